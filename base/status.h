// Status and Result<T>: the one error type of imeisync.
//
// A Status is either OK or a code plus a message a person can act on. The codes
// are a subset of gRPC's and carry the same numbers, so the rpc layer converts
// with a cast. Functions that can fail return Status or Result<T>; exceptions
// never cross a module boundary.
#ifndef IMEISYNC_BASE_STATUS_H_
#define IMEISYNC_BASE_STATUS_H_

#include <iosfwd>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace imeisync {

// Numbers equal grpc::StatusCode's.
enum class StatusCode : int {
  kOk = 0,
  kInvalidArgument = 3,
  kDeadlineExceeded = 4,
  kNotFound = 5,
  kAlreadyExists = 6,
  kPermissionDenied = 7,
  kResourceExhausted = 8,
  kFailedPrecondition = 9,
  kInternal = 13,
  kUnavailable = 14,
  kDataLoss = 15,
  kUnauthenticated = 16,
};

// Returns the upper-case gRPC name of `code`, e.g. "INVALID_ARGUMENT".
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  // An OK status.
  Status() = default;
  // REQUIRES: code != kOk (an OK status carries no message).
  Status(StatusCode code, std::string message);

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // "OK", or "<CODE_NAME>: <message>".
  std::string ToString() const;

  // Returns a copy whose message is "<context>: <message>"; OK stays OK.
  Status WithContext(std::string_view context) const;

  friend bool operator==(const Status&, const Status&) = default;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// Print the code name, and a status as ToString() does.
std::ostream& operator<<(std::ostream& os, StatusCode code);
std::ostream& operator<<(std::ostream& os, const Status& status);

Status InvalidArgument(std::string message);
Status NotFound(std::string message);
Status AlreadyExists(std::string message);
Status PermissionDenied(std::string message);
Status ResourceExhausted(std::string message);
Status FailedPrecondition(std::string message);
Status Internal(std::string message);
Status Unavailable(std::string message);
Status DataLoss(std::string message);
Status DeadlineExceeded(std::string message);
Status Unauthenticated(std::string message);

// Either a T or a non-OK Status.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  // REQUIRES: !status.ok().
  Result(Status status) : v_(std::move(status)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  // The error, or OK when a value is held.
  Status status() const { return ok() ? Status() : std::get<1>(v_); }

  // REQUIRES: ok().
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace imeisync

#define IMEISYNC_CONCAT_INNER_(a, b) a##b
#define IMEISYNC_CONCAT_(a, b) IMEISYNC_CONCAT_INNER_(a, b)

// Returns from the enclosing function if `expr` (a Status) is not OK.
#define IMEISYNC_RETURN_IF_ERROR(expr)                   \
  do {                                                   \
    ::imeisync::Status imeisync_status_ = (expr);        \
    if (!imeisync_status_.ok()) return imeisync_status_; \
  } while (0)

// Evaluates `expr` (a Result<T>); returns its status on error, otherwise
// move-assigns the value to `lhs` (which may be a declaration).
#define IMEISYNC_ASSIGN_OR_RETURN(lhs, expr) \
  IMEISYNC_ASSIGN_OR_RETURN_IMPL_(           \
      IMEISYNC_CONCAT_(imeisync_result_, __LINE__), lhs, expr)
#define IMEISYNC_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                    \
  if (!tmp.ok()) return tmp.status();                   \
  lhs = std::move(tmp).value()

#endif  // IMEISYNC_BASE_STATUS_H_
