// imeisync prefetch --config node.toml [--batch N] FILE|- [--json]
//
// Tags an operator's device inventory ahead of time: one IMEI per line
// (any accepted form; blank lines and lines starting with '#' skipped).
// In oprf mode the node fetches the tags of uncached devices from the OPRF
// evaluator, blinded and batched, and caches them, so that its EIR's
// checks of those devices never wait on the ministry. Rerunning is cheap:
// cached devices cost nothing. Each batch is one Admin.PrefetchTags call.
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/admin_client.h"
#include "cli/command.h"
#include "cli/line_input.h"
#include "cli/output.h"
#include "cli/progress.h"

namespace imeisync::cli {
namespace {

constexpr size_t kDefaultBatch = 50'000;
constexpr size_t kMaxBatch = 200'000;  // the node's limit per call

struct PrefetchArgs : JsonFlag {
  std::string config, file;
  size_t batch = kDefaultBatch;

  void Bind(CLI::App& c) {
    AddConfigOption(c, config);
    c.add_option("--batch", batch, "IMEIs per call to the node, 1..200000")
        ->capture_default_str();
    c.add_option("FILE", file, "file of IMEIs, one per line; - for stdin")
        ->required();
  }

  static constexpr const char* kName = "prefetch";
  static constexpr const char* kHelp =
      "Tag a device inventory ahead of time (one IMEI per line). In "
      "oprf mode the node fetches and caches the tags of uncached "
      "devices from the ministry, blinded, so later checks need no "
      "query.";
};

std::string OneDecimal(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", x);
  return buf;
}

// Sends the IMEIs of the inventory in batches, counting the devices tagged.
class Batcher {
 public:
  Batcher(v1::Admin::Stub& stub, const std::string& file, Progress& progress)
      : stub_(stub), file_(file), progress_(progress) {}

  void Add(std::string imei, uint64_t line_no) {
    request_.add_imeis(std::move(imei));
    lines_.push_back(line_no);
  }
  size_t size() const { return lines_.size(); }
  uint64_t devices() const { return devices_; }

  // Sends the batch, if any: kExitOk, or the exit code of the failed call
  // after reporting which lines it held.
  int Send(uint64_t bytes) {
    if (lines_.empty()) return kExitOk;
    v1::PrefetchTagsResponse reply;
    grpc::Status s = UnaryCall(stub_, &v1::Admin::Stub::PrefetchTags, request_,
                               &reply, std::chrono::minutes(10));
    if (!s.ok()) {
      return ReportFailedCall(
          "prefetch of lines " + std::to_string(lines_.front()) + " to " +
              std::to_string(lines_.back()) + " of " + file_ + " (" +
              std::to_string(devices_) + " devices before them are tagged)",
          s);
    }
    devices_ += reply.devices();
    request_.clear_imeis();
    lines_.clear();
    progress_.Update(devices_, bytes);
    return kExitOk;
  }

 private:
  v1::Admin::Stub& stub_;
  const std::string& file_;
  Progress& progress_;
  v1::PrefetchTagsRequest request_;
  std::vector<uint64_t> lines_;  // line number of each IMEI in request_
  uint64_t devices_ = 0;
};

Result<int> RunPrefetch(const PrefetchArgs& a) {
  if (a.batch == 0 || a.batch > kMaxBatch) {
    return InvalidArgument("--batch must be 1 to 200000");
  }
  IMEISYNC_ASSIGN_OR_RETURN(LineInput in, LineInput::Open(a.file));
  IMEISYNC_ASSIGN_OR_RETURN(AdminClient client, ConnectAdmin(a.config));

  const auto start = std::chrono::steady_clock::now();
  Progress progress("prefetch", in.size());
  Batcher batch(*client.stub, a.file, progress);
  std::string line;
  while (in.Next(line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    batch.Add(line, in.line_no());
    if (batch.size() == a.batch) {
      if (int rc = batch.Send(in.bytes()); rc != kExitOk) return rc;
    }
  }
  if (int rc = batch.Send(in.bytes()); rc != kExitOk) return rc;
  progress.Finish(batch.devices(), in.bytes());
  const uint64_t devices = batch.devices();
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
  AddCommand(app, run, RunPrefetch);
}

}  // namespace imeisync::cli
