// imeisyncd --config node.toml: parses arguments, starts the daemon, waits
// for SIGTERM or SIGINT, stops it. Exit 0 after a clean stop, 2 when it
// cannot start (one line on stderr saying why).
#include <grpc/support/log.h>
#include <signal.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "imeisync_version.h"
#include "node/federation/node_config.h"
#include "node/rpc/daemon.h"

namespace {

// gRPC's own log lines go through spdlog at debug level, so that a failure
// the daemon reports is one line, not a gRPC error dump.
void GrpcLog(gpr_log_func_args* args) {
  spdlog::debug("grpc {}:{}: {}", args->file, args->line, args->message);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"imeisyncd: the imeisync node daemon"};
  std::string config_path;
  std::string log_level = "info";
  app.add_option("--config", config_path, "the node's node.toml")->required();
  app.add_option("--log-level", log_level,
                 "trace, debug, info, warn, error or off")
      ->check(
          CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
  app.set_version_flag("--version", IMEISYNC_VERSION);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  // Logs go to stderr; stdout carries only the "ready" line.
  spdlog::set_default_logger(spdlog::stderr_color_mt("imeisyncd"));
  spdlog::set_level(spdlog::level::from_str(log_level));
  gpr_set_log_function(GrpcLog);
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v",
                      spdlog::pattern_time_type::utc);

  // Signals are taken by sigwait() below, on this thread only.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);  // a closed terminal: stop cleanly too
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  auto config = imeisync::node::federation::LoadNodeConfig(config_path);
  if (!config.ok()) {
    // The message names the file already.
    std::cerr << "imeisyncd: " << config.status().message() << "\n";
    return 2;
  }
  auto daemon = imeisync::node::rpc::Daemon::Start(*config);
  if (!daemon.ok()) {
    std::cerr << "imeisyncd: " << daemon.status().message() << "\n";
    return 2;
  }
  // Tests and scripts wait for this line before connecting.
  std::printf("ready %s\n", config->id.c_str());
  std::fflush(stdout);
  int sig = 0;
  sigwait(&signals, &sig);
  spdlog::info("received {}, stopping", sig == SIGTERM  ? "SIGTERM"
                                        : sig == SIGINT ? "SIGINT"
                                                        : "SIGHUP");
  (*daemon)->Shutdown();
  return 0;
}
