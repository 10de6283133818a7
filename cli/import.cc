// imeisync import --config node.toml --action A [--reason R] FILE.csv|-
//   [--skip-invalid [--rejects PATH]] [--json]
//
// Streams a CSV of devices (cli/csv_rows.h) into this node's own log in
// batches. By default the whole file is checked first and refused if any
// row is invalid; --skip-invalid imports the good rows and writes the bad
// ones to a reject file. Every batch skips devices already in force
// (skip_existing), so rerunning an interrupted import appends nothing twice.
#include <grpcpp/grpcpp.h>
#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/admin_client.h"
#include "cli/command.h"
#include "cli/csv_rows.h"
#include "cli/output.h"
#include "cli/progress.h"

namespace imeisync::cli {
namespace {

constexpr size_t kDefaultBatch = 50'000;
constexpr size_t kMaxBatch = 200'000;  // the node's limit per submit
constexpr size_t kMaxListed = 20;

struct ImportArgs {
  std::string config, action, reason, file, rejects;
  size_t batch = kDefaultBatch;
  bool skip_invalid = false;
  bool json = false;
};

// The input, read line by line; stdin in strict mode is spooled to an
// unnamed temporary file during the check so it can be read twice.
class Input {
 public:
  static Result<Input> Open(const std::string& path) {
    Input in;
    in.path_ = path;
    if (path == "-") return in;
    in.file_ = std::make_unique<std::ifstream>(path, std::ios::binary);
    if (!*in.file_) return NotFound("cannot open " + path);
    struct stat st {};
    if (stat(path.c_str(), &st) == 0)
      in.size_ = static_cast<uint64_t>(st.st_size);
    return in;
  }
  // Reads one line without its end; false at the end of input.
  bool Next(std::string& line) {
    std::istream& in = file_ ? *file_ : std::cin;
    if (!std::getline(in, line)) return false;
    bytes_ += line.size() + 1;
    ++line_no_;
    if (spool_) std::fprintf(spool_, "%s\n", line.c_str());
    return true;
  }
  // Rewinds for the second pass.
  Status Rewind() {
    if (spool_) {
      std::fflush(spool_);
      std::rewind(spool_);
      spooled_ = std::make_unique<std::ifstream>();
      // Read the spool back through /proc: the file has no name.
      spooled_->open("/proc/self/fd/" + std::to_string(fileno(spool_)),
                     std::ios::binary);
      if (!*spooled_) return Internal("cannot reread the spooled stdin");
      file_ = std::move(spooled_);
    } else if (file_) {
      file_->clear();
      file_->seekg(0);
    } else {
      return Internal("stdin was not spooled");
    }
    bytes_ = 0;
    line_no_ = 0;
    return Status::Ok();
  }
  void SpoolStdin() {
    if (path_ == "-") spool_ = std::tmpfile();
  }
  ~Input() {
    if (spool_) std::fclose(spool_);
  }
  Input() = default;
  Input(Input&&) = default;

  uint64_t size() const { return size_; }
  uint64_t bytes() const { return bytes_; }
  uint64_t line_no() const { return line_no_; }
  const std::string& name() const { return path_; }

 private:
  std::string path_;
  std::unique_ptr<std::ifstream> file_, spooled_;
  std::FILE* spool_ = nullptr;
  uint64_t size_ = 0, bytes_ = 0, line_no_ = 0;
};

struct BadRow {
  uint64_t line;
  std::string error;
};

std::string CsvQuote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

struct Totals {
  uint64_t rows = 0, appended = 0, skipped = 0, invalid = 0, checkpoint = 0;
  std::string origin;
};

class Sender {
 public:
  Sender(v1::Admin::Stub& stub, node::Action action)
      : stub_(stub), action_(action) {}

  Status Send(std::vector<CsvRow>& rows, bool last, Totals& totals) {
    v1::SubmitRequest request;
    request.set_action(static_cast<v1::Action>(action_));
    request.set_skip_existing(true);
    request.set_return_before_signed(!last);
    for (CsvRow& r : rows) {
      v1::SubmitItem* item = request.add_items();
      item->set_imei(std::move(r.imei));
      item->set_reason(static_cast<v1::Reason>(r.reason));
      item->set_issued_at_ms(static_cast<int64_t>(r.issued_at_ms));
    }
    rows.clear();
    v1::SubmitResponse reply;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::minutes(5));
    last_ = stub_.Submit(&context, request, &reply);
    if (!last_.ok()) return Unavailable("batch refused");
    totals.appended += reply.count();
    totals.skipped += reply.skipped();
    totals.origin = reply.origin();
    if (last) totals.checkpoint = reply.checkpoint_size();
    return Status::Ok();
  }
  const grpc::Status& last_status() const { return last_; }

 private:
  v1::Admin::Stub& stub_;
  node::Action action_;
  grpc::Status last_;
};

void ListBad(const std::vector<BadRow>& bad, uint64_t total) {
  for (const BadRow& b : bad) {
    std::cerr << "  line " << b.line << ": " << b.error << "\n";
  }
  if (total > bad.size()) {
    std::cerr << "  ... and " << (total - bad.size()) << " more\n";
  }
}

// A batch failed: say how far the import got and whether a rerun helps.
int Stopped(const grpc::Status& status, const Totals& totals,
            Progress& progress, uint64_t bytes) {
  progress.Finish(totals.rows, bytes);
  const bool transient =
      status.error_code() == grpc::StatusCode::UNAVAILABLE ||
      status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED;
  std::cerr << "imeisync: import: stopped after " << totals.appended
            << " new entries"
            << (transient ? "; rerun to continue (nothing is imported twice)"
                          : "; the batches before this one stay imported")
            << "\n";
  return ReportFailedCall("import", status);
}

int RunImport(const ImportArgs& a) {
  std::ios::sync_with_stdio(false);  // getline on stdin at full speed
  auto action = node::ParseAction(a.action);
  if (!action) {
    PrintError("import", InvalidArgument("unknown action \"" + a.action +
                                         "\" (block, clear, register, "
                                         "deregister, allow)"));
    return kExitUsage;
  }
  std::optional<node::Reason> reason;
  if (!a.reason.empty()) {
    reason = node::ParseReason(a.reason);
    if (!reason) {
      PrintError("import",
                 InvalidArgument("unknown reason \"" + a.reason + "\""));
      return kExitUsage;
    }
  }
  auto input = Input::Open(a.file);
  if (!input.ok()) {
    PrintError("import", input.status());
    return kExitUsage;
  }
  auto client = ConnectAdmin(a.config);
  if (!client.ok()) {
    PrintError("import", client.status());
    return kExitUsage;
  }
  std::string line;
  if (!a.skip_invalid) input->SpoolStdin();
  if (!input->Next(line)) {
    PrintError("import", InvalidArgument(a.file + " is empty: expected a "
                                                  "header line such as "
                                                  "\"imei,reason,issued_at\""));
    return kExitUsage;
  }
  auto columns = ParseCsvHeader(line);
  if (!columns.ok()) {
    PrintError(
        "import",
        InvalidArgument(a.file + " line 1: " + columns.status().message()));
    return kExitUsage;
  }

  if (!a.skip_invalid) {
    // Pass 1: check every row; import nothing if any is bad.
    Progress progress("import: checking", input->size());
    std::vector<BadRow> bad;
    uint64_t bad_total = 0, rows = 0;
    while (input->Next(line)) {
      if (line.empty() || line == "\r") continue;
      ++rows;
      auto row = ParseCsvRow(line, *columns, reason);
      if (!row.ok()) {
        if (bad.size() < kMaxListed) {
          bad.push_back({input->line_no(), row.status().message()});
        }
        ++bad_total;
      }
      progress.Update(rows, input->bytes());
    }
    if (bad_total > 0) {
      PrintError("import",
                 InvalidArgument(a.file + ": " + std::to_string(bad_total) +
                                 " of " + std::to_string(rows) +
                                 " rows are invalid; nothing was imported "
                                 "(fix them, or use --skip-invalid)"));
      ListBad(bad, bad_total);
      return kExitInvalid;
    }
    if (Status s = input->Rewind(); !s.ok()) {
      PrintError("import", s);
      return kExitUsage;
    }
    input->Next(line);  // the header again
  }

  std::unique_ptr<std::ofstream> rejects;
  std::string rejects_path = a.rejects;
  if (a.skip_invalid && rejects_path.empty()) {
    rejects_path =
        a.file == "-" ? "import.rejects.csv" : a.file + ".rejects.csv";
  }
  Progress progress("import", input->size());
  Sender sender(*client->stub, *action);
  Totals totals;
  std::vector<CsvRow> batch;
  batch.reserve(a.batch);
  while (input->Next(line)) {
    if (line.empty() || line == "\r") continue;
    ++totals.rows;
    auto row = ParseCsvRow(line, *columns, reason);
    if (!row.ok()) {
      ++totals.invalid;
      if (!rejects) {
        rejects =
            std::make_unique<std::ofstream>(rejects_path, std::ios::trunc);
        if (!*rejects) {
          PrintError("import", Unavailable("cannot write " + rejects_path));
          return kExitUsage;
        }
        chmod(rejects_path.c_str(), 0600);
        *rejects << "line,error,row\n";
      }
      *rejects << input->line_no() << "," << CsvQuote(row.status().message())
               << "," << CsvQuote(line) << "\n";
      continue;
    }
    // A full batch goes out only once another row exists, so the last
    // batch is never empty and its reply carries the signed checkpoint.
    if (batch.size() == a.batch &&
        !sender.Send(batch, /*last=*/false, totals).ok()) {
      return Stopped(sender.last_status(), totals, progress, input->bytes());
    }
    batch.push_back(*std::move(row));
    progress.Update(totals.rows, input->bytes());
  }
  if (!batch.empty() && !sender.Send(batch, /*last=*/true, totals).ok()) {
    return Stopped(sender.last_status(), totals, progress, input->bytes());
  }
  progress.Finish(totals.rows, input->bytes());
  if (rejects) rejects->close();
  nlohmann::ordered_json j = {{"rows", totals.rows},
                              {"appended", totals.appended},
                              {"already_present", totals.skipped},
                              {"invalid", totals.invalid},
                              {"origin", totals.origin},
                              {"checkpoint_size", totals.checkpoint}};
  if (rejects) j["rejects"] = rejects_path;
  std::string text = totals.origin.empty()
                         ? std::string("imported nothing: no valid rows")
                         : "imported " +
                               std::to_string(totals.rows - totals.invalid) +
                               " rows: " + std::to_string(totals.appended) +
                               " new entries in " + totals.origin + ", " +
                               std::to_string(totals.skipped) +
                               " already present; signed checkpoint size " +
                               std::to_string(totals.checkpoint);
  if (totals.invalid > 0) {
    text += "\n" + std::to_string(totals.invalid) +
            " invalid rows skipped, listed in " + rejects_path;
  }
  PrintResult(a.json, j, text);
  return kExitOk;
}

}  // namespace

void AddImportCommand(CLI::App& app, RunFn* run) {
  CLI::App* c = app.add_subcommand(
      "import",
      "Import a CSV of devices (header imei[,reason][,issued_at]) into this "
      "node's own log; rerunning it appends nothing twice");
  auto a = std::make_shared<ImportArgs>();
  c->add_option("--config", a->config, "the node's node.toml")->required();
  c->add_option("--action", a->action,
                "block, clear, register, deregister or allow")
      ->required();
  c->add_option("--reason", a->reason,
                "reason for rows without one (stolen, lost, unregistered, "
                "counterfeit, duplicate, court_order, foreign_stolen, "
                "registry)");
  c->add_option("FILE", a->file, "the CSV file; - for stdin")->required();
  c->add_flag("--skip-invalid", a->skip_invalid,
              "import the valid rows and write the invalid ones to a reject "
              "file (default: refuse the whole file)");
  c->add_option("--rejects", a->rejects,
                "reject file for --skip-invalid (default FILE.rejects.csv, "
                "or import.rejects.csv for stdin)");
  c->add_option("--batch", a->batch,
                "rows per submit (one LMDB transaction each); larger batches "
                "amortise the state tree's upper levels")
      ->check(CLI::Range(size_t{1}, kMaxBatch));
  c->add_flag("--json", a->json, "print the summary as JSON");
  c->callback([run, a] { *run = [a] { return RunImport(*a); }; });
}

}  // namespace imeisync::cli
