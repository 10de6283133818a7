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

#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/admin_client.h"
#include "cli/command.h"
#include "cli/csv_rows.h"
#include "cli/entry_args.h"
#include "cli/line_input.h"
#include "cli/output.h"
#include "cli/progress.h"

namespace imeisync::cli {
namespace {

constexpr size_t kDefaultBatch = 50'000;
constexpr size_t kMaxBatch = 200'000;  // the node's limit per submit
constexpr size_t kMaxListed = 20;

struct ImportArgs : JsonFlag {
  static constexpr const char* kJsonHelp = "print the summary as JSON";

  std::string config, action, reason, file, rejects;
  size_t batch = kDefaultBatch;
  bool skip_invalid = false;

  void Bind(CLI::App& c) {
    AddConfigOption(c, config);
    AddActionOption(c, "--action", action);
    c.add_option("--reason", reason,
                 "reason for rows without one (stolen, lost, unregistered, "
                 "counterfeit, duplicate, court_order, foreign_stolen, "
                 "registry)");
    c.add_option("FILE", file, "the CSV file; - for stdin")->required();
    c.add_flag("--skip-invalid", skip_invalid,
               "import the valid rows and write the invalid ones to a reject "
               "file (default: refuse the whole file)");
    c.add_option("--rejects", rejects,
                 "reject file for --skip-invalid (default FILE.rejects.csv, "
                 "or import.rejects.csv for stdin)");
    c.add_option("--batch", batch,
                 "rows per submit (one LMDB transaction each); larger batches "
                 "amortise the state tree's upper levels")
        ->check(CLI::Range(size_t{1}, kMaxBatch));
  }

  static constexpr const char* kName = "import";
  static constexpr const char* kHelp =
      "Import a CSV of devices (header imei[,reason][,issued_at]) into this "
      "node's own log; rerunning it appends nothing twice";
};

bool IsBlank(const std::string& line) { return line.empty() || line == "\r"; }

std::string CsvQuote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// The reject file of --skip-invalid, created (mode 0600) at the first
// invalid row: "line,error,row" and one line per row.
class RejectFile {
 public:
  explicit RejectFile(std::string path) : path_(std::move(path)) {}

  // Unavailable "cannot write <path>" if the file cannot be created.
  Status Add(uint64_t line_no, std::string_view error, std::string_view row) {
    if (!out_) {
      out_ = std::make_unique<std::ofstream>(path_, std::ios::trunc);
      if (!*out_) return Unavailable("cannot write " + path_);
      chmod(path_.c_str(), 0600);
      *out_ << "line,error,row\n";
    }
    *out_ << line_no << "," << CsvQuote(error) << "," << CsvQuote(row) << "\n";
    return Status::Ok();
  }
  bool used() const { return out_ != nullptr; }
  void Close() {
    if (out_) out_->close();
  }
  const std::string& path() const { return path_; }

 private:
  const std::string path_;
  std::unique_ptr<std::ofstream> out_;
};

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
    last_ = UnaryCall(stub_, &v1::Admin::Stub::Submit, request, &reply,
                      std::chrono::minutes(5));
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

// What every row is read with: the header's columns and the --reason.
struct RowFormat {
  CsvColumns columns;
  std::optional<node::Reason> reason;
};

// Reads the header line of `in`.
Result<CsvColumns> ReadHeader(LineInput& in) {
  std::string line;
  if (!in.Next(line)) {
    return InvalidArgument(in.name() +
                           " is empty: expected a header line such as "
                           "\"imei,reason,issued_at\"");
  }
  auto columns = ParseCsvHeader(line);
  if (!columns.ok()) return columns.status().WithContext(in.name() + " line 1");
  return columns;
}

// Pass 1 of a strict import: checks every row and, if any is invalid, lists
// the first kMaxListed and returns kExitInvalid. Otherwise rewinds `in` to
// the first row and returns kExitOk.
Result<int> CheckEveryRow(LineInput& in, const RowFormat& format) {
  Progress progress("import: checking", in.size());
  struct BadRow {
    uint64_t line;
    std::string error;
  };
  std::vector<BadRow> bad;
  uint64_t bad_total = 0, rows = 0;
  std::string line;
  while (in.Next(line)) {
    if (IsBlank(line)) continue;
    ++rows;
    auto row = ParseCsvRow(line, format.columns, format.reason);
    if (!row.ok()) {
      if (bad.size() < kMaxListed) {
        bad.push_back({in.line_no(), row.status().message()});
      }
      ++bad_total;
    }
    progress.Update(rows, in.bytes());
  }
  if (bad_total > 0) {
    PrintError("import",
               InvalidArgument(in.name() + ": " + std::to_string(bad_total) +
                               " of " + std::to_string(rows) +
                               " rows are invalid; nothing was imported "
                               "(fix them, or use --skip-invalid)"));
    for (const BadRow& b : bad) {
      std::cerr << "  line " << b.line << ": " << b.error << "\n";
    }
    if (bad_total > bad.size()) {
      std::cerr << "  ... and " << (bad_total - bad.size()) << " more\n";
    }
    return kExitInvalid;
  }
  IMEISYNC_RETURN_IF_ERROR(in.Rewind());
  in.Next(line);  // the header again
  return kExitOk;
}

void PrintSummary(const ImportArgs& a, const Totals& totals,
                  const RejectFile& rejects) {
  nlohmann::ordered_json j = {{"rows", totals.rows},
                              {"appended", totals.appended},
                              {"already_present", totals.skipped},
                              {"invalid", totals.invalid},
                              {"origin", totals.origin},
                              {"checkpoint_size", totals.checkpoint}};
  if (rejects.used()) j["rejects"] = rejects.path();
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
            " invalid rows skipped, listed in " + rejects.path();
  }
  PrintResult(a.json, j, text);
}

// Pass 2: sends the valid rows in batches of a.batch and writes the invalid
// ones to `rejects`.
Result<int> SendRows(const ImportArgs& a, LineInput& in,
                     const RowFormat& format, Sender& sender,
                     RejectFile& rejects) {
  Progress progress("import", in.size());
  Totals totals;
  std::vector<CsvRow> batch;
  batch.reserve(a.batch);
  std::string line;
  while (in.Next(line)) {
    if (IsBlank(line)) continue;
    ++totals.rows;
    auto row = ParseCsvRow(line, format.columns, format.reason);
    if (!row.ok()) {
      ++totals.invalid;
      IMEISYNC_RETURN_IF_ERROR(
          rejects.Add(in.line_no(), row.status().message(), line));
      continue;
    }
    // A full batch goes out only once another row exists, so the last
    // batch is never empty and its reply carries the signed checkpoint.
    if (batch.size() == a.batch &&
        !sender.Send(batch, /*last=*/false, totals).ok()) {
      return Stopped(sender.last_status(), totals, progress, in.bytes());
    }
    batch.push_back(*std::move(row));
    progress.Update(totals.rows, in.bytes());
  }
  if (!batch.empty() && !sender.Send(batch, /*last=*/true, totals).ok()) {
    return Stopped(sender.last_status(), totals, progress, in.bytes());
  }
  progress.Finish(totals.rows, in.bytes());
  rejects.Close();
  PrintSummary(a, totals, rejects);
  return kExitOk;
}

Result<int> RunImport(const ImportArgs& a) {
  std::ios::sync_with_stdio(false);  // getline on stdin at full speed
  IMEISYNC_ASSIGN_OR_RETURN(node::Action action, ParseActionArg(a.action));
  RowFormat format;
  if (!a.reason.empty()) {
    IMEISYNC_ASSIGN_OR_RETURN(format.reason, ParseReasonArg(a.reason));
  }
  IMEISYNC_ASSIGN_OR_RETURN(LineInput in, LineInput::Open(a.file));
  IMEISYNC_ASSIGN_OR_RETURN(AdminClient client, ConnectAdmin(a.config));
  if (!a.skip_invalid) in.SpoolStdin();
  IMEISYNC_ASSIGN_OR_RETURN(format.columns, ReadHeader(in));
  if (!a.skip_invalid) {
    // Import nothing if any row is bad.
    IMEISYNC_ASSIGN_OR_RETURN(int checked, CheckEveryRow(in, format));
    if (checked != kExitOk) return checked;
  }
  std::string rejects_path = a.rejects;
  if (a.skip_invalid && rejects_path.empty()) {
    rejects_path =
        a.file == "-" ? "import.rejects.csv" : a.file + ".rejects.csv";
  }
  RejectFile rejects(rejects_path);
  Sender sender(*client.stub, action);
  return SendRows(a, in, format, sender, rejects);
}

}  // namespace

void AddImportCommand(CLI::App& app, RunFn* run) {
  AddCommand(app, run, RunImport);
}

}  // namespace imeisync::cli
