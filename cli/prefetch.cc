// imeisync prefetch --config node.toml [--batch N] FILE|- [--json]
//
// Tags an operator's device inventory ahead of time: one IMEI per line
// (any accepted form; blank lines and lines starting with '#' skipped).
// In oprf mode the node fetches the tags of uncached devices from the OPRF
// evaluator, blinded and batched, and caches them, so that its EIR's
// checks of those devices never wait on the ministry. Rerunning is cheap:
// cached devices cost nothing. Each batch is one Admin.PrefetchTags call.
#include <grpcpp/grpcpp.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/admin_client.h"
#include "cli/command.h"
#include "cli/output.h"
#include "cli/progress.h"

namespace imeisync::cli {
namespace {

constexpr size_t kDefaultBatch = 50'000;
constexpr size_t kMaxBatch = 200'000;  // the node's limit per call

struct PrefetchArgs {
  std::string config, file;
  size_t batch = kDefaultBatch;
  bool json = false;
};

std::string OneDecimal(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", x);
  return buf;
}

int RunPrefetch(const PrefetchArgs& a) {
  if (a.batch == 0 || a.batch > kMaxBatch) {
    PrintError("prefetch", InvalidArgument("--batch must be 1 to 200000"));
    return kExitUsage;
  }
  std::ifstream file;
  uint64_t size = 0;
  if (a.file != "-") {
    file.open(a.file, std::ios::binary);
    if (!file) {
      PrintError("prefetch", NotFound("cannot open " + a.file));
      return kExitUsage;
    }
    struct stat st {};
    if (stat(a.file.c_str(), &st) == 0)
      size = static_cast<uint64_t>(st.st_size);
  }
  std::istream& in = a.file == "-" ? std::cin : file;
  auto client = ConnectAdmin(a.config);
  if (!client.ok()) {
    PrintError("prefetch", client.status());
    return kExitUsage;
  }

  const auto start = std::chrono::steady_clock::now();
  Progress progress("prefetch", size);
  uint64_t devices = 0, bytes = 0, line_no = 0;
  std::vector<std::string> batch;
  std::vector<uint64_t> lines;  // line number of each batch element
  auto send = [&]() -> int {
    if (batch.empty()) return kExitOk;
    v1::PrefetchTagsRequest request;
    for (std::string& imei : batch) request.add_imeis(std::move(imei));
    v1::PrefetchTagsResponse reply;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::minutes(10));
    grpc::Status s = client->stub->PrefetchTags(&context, request, &reply);
    if (!s.ok()) {
      return ReportFailedCall(
          "prefetch of lines " + std::to_string(lines.front()) + " to " +
              std::to_string(lines.back()) + " of " + a.file + " (" +
              std::to_string(devices) + " devices before them are tagged)",
          s);
    }
    devices += reply.devices();
    batch.clear();
    lines.clear();
    progress.Update(devices, bytes);
    return kExitOk;
  };
  std::string line;
  while (std::getline(in, line)) {
    ++line_no;
    bytes += line.size() + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    batch.push_back(line);
    lines.push_back(line_no);
    if (batch.size() == a.batch) {
      if (int rc = send(); rc != kExitOk) return rc;
    }
  }
  if (int rc = send(); rc != kExitOk) return rc;
  progress.Finish(devices, bytes);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  PrintResult(a.json,
              {{"devices", devices},
               {"seconds", seconds},
               {"devices_per_second", seconds > 0 ? devices / seconds : 0.0}},
              "tagged " + std::to_string(devices) + " devices in " +
                  OneDecimal(seconds) + " s");
  return kExitOk;
}

}  // namespace

void AddPrefetchCommand(CLI::App& app, RunFn* run) {
  auto a = std::make_shared<PrefetchArgs>();
  CLI::App* c = app.add_subcommand(
      "prefetch",
      "Tag a device inventory ahead of time (one IMEI per line). In oprf "
      "mode the node fetches and caches the tags of uncached devices from "
      "the ministry, blinded, so later checks need no query.");
  c->add_option("--config", a->config, "the node's node.toml")->required();
  c->add_option("--batch", a->batch, "IMEIs per call to the node, 1..200000")
      ->capture_default_str();
  c->add_option("FILE", a->file, "file of IMEIs, one per line; - for stdin")
      ->required();
  c->add_flag("--json", a->json, "print the result as JSON");
  c->callback([run, a] { *run = [a] { return RunPrefetch(*a); }; });
}

}  // namespace imeisync::cli
