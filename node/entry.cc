#include "node/entry.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cctype>
#include <string>
#include <type_traits>

#include "base/big_endian.h"

namespace imeisync::node {
namespace {

constexpr std::array<std::pair<Action, std::string_view>, 5> kActions{{
    {Action::kBlock, "BLOCK"},
    {Action::kClear, "CLEAR"},
    {Action::kRegister, "REGISTER"},
    {Action::kDeregister, "DEREGISTER"},
    {Action::kAllow, "ALLOW"},
}};

constexpr std::array<std::pair<Reason, std::string_view>, 8> kReasons{{
    {Reason::kStolen, "STOLEN"},
    {Reason::kLost, "LOST"},
    {Reason::kUnregistered, "UNREGISTERED"},
    {Reason::kCounterfeit, "COUNTERFEIT"},
    {Reason::kDuplicate, "DUPLICATE"},
    {Reason::kCourtOrder, "COURT_ORDER"},
    {Reason::kForeignStolen, "FOREIGN_STOLEN"},
    {Reason::kRegistry, "REGISTRY"},
}};

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::toupper(static_cast<unsigned char>(x)) ==
                  std::toupper(static_cast<unsigned char>(y));
         });
}

template <class Table, class Enum>
std::string_view NameOf(const Table& table, Enum v) {
  for (const auto& [value, name] : table) {
    if (value == v) return name;
  }
  return "UNKNOWN";
}

template <class Table>
auto ValueOf(const Table& table, std::string_view name)
    -> std::optional<typename Table::value_type::first_type> {
  for (const auto& [value, n] : table) {
    if (EqualsIgnoreCase(n, name)) return value;
  }
  return std::nullopt;
}

template <class Table>
auto OfNumber(const Table& table, int64_t number)
    -> std::optional<std::remove_cvref_t<decltype(table[0].first)>> {
  for (const auto& row : table) {
    if (static_cast<int64_t>(row.first) == number) return row.first;
  }
  return std::nullopt;
}

// Field offsets of the canonical layout.
constexpr size_t kVersionAt = 0;
constexpr size_t kActionAt = 1;
constexpr size_t kReasonAt = 2;
constexpr size_t kTagAt = 3;
constexpr size_t kIssuedAtAt = 35;

}  // namespace

std::string_view ActionName(Action a) { return NameOf(kActions, a); }
std::string_view ReasonName(Reason r) { return NameOf(kReasons, r); }
std::optional<Action> ParseAction(std::string_view name) {
  return ValueOf(kActions, name);
}
std::optional<Reason> ParseReason(std::string_view name) {
  return ValueOf(kReasons, name);
}

std::optional<Action> ActionOfNumber(int64_t number) {
  return OfNumber(kActions, number);
}

std::optional<Reason> ReasonOfNumber(int64_t number) {
  return OfNumber(kReasons, number);
}

void AppendEntry(Bytes& out, const Entry& e) {
  assert(e.issued_at_ms <= kMaxIssuedAtMs);
  assert(e.source.size() <= kMaxSourceSize);
  const size_t at = out.size();
  out.resize(at + kEncodedEntrySize);
  uint8_t* p = out.data() + at;
  p[kVersionAt] = e.source.empty() ? kEntryVersion : kSourcedEntryVersion;
  p[kActionAt] = static_cast<uint8_t>(e.action);
  p[kReasonAt] = static_cast<uint8_t>(e.reason);
  std::copy(e.tag.begin(), e.tag.end(), p + kTagAt);
  StoreU64(p + kIssuedAtAt, e.issued_at_ms);
  if (!e.source.empty()) {
    out.push_back(static_cast<uint8_t>(e.source.size()));
    out.insert(out.end(), e.source.begin(), e.source.end());
  }
}

EncodedEntry EncodeEntry(const Entry& e) {
  EncodedEntry out;
  out.reserve(kEncodedEntrySize + (e.source.empty() ? 0 : 1 + e.source.size()));
  AppendEntry(out, e);
  return out;
}

Result<Entry> DecodeEntryPrefix(ByteView bytes, size_t* size) {
  if (bytes.size() < kEncodedEntrySize) {
    return InvalidArgument("entry is " + std::to_string(bytes.size()) +
                           " bytes; the canonical encoding is at least 43");
  }
  const uint8_t version = bytes[kVersionAt];
  if (version != kEntryVersion && version != kSourcedEntryVersion) {
    return InvalidArgument("entry byte 0: unknown version " +
                           std::to_string(version) + " (expected 1 or 2)");
  }
  if (!ActionOfNumber(bytes[kActionAt])) {
    return InvalidArgument("entry byte 1: unknown action " +
                           std::to_string(bytes[kActionAt]) + " (valid: 1-5)");
  }
  if (!ReasonOfNumber(bytes[kReasonAt])) {
    return InvalidArgument("entry byte 2: unknown reason " +
                           std::to_string(bytes[kReasonAt]) + " (valid: 1-8)");
  }
  Entry e;
  e.action = static_cast<Action>(bytes[kActionAt]);
  e.reason = static_cast<Reason>(bytes[kReasonAt]);
  std::copy(bytes.begin() + kTagAt, bytes.begin() + kIssuedAtAt, e.tag.begin());
  e.issued_at_ms = LoadU64(bytes.subspan(kIssuedAtAt));
  if (e.issued_at_ms > kMaxIssuedAtMs) {
    return InvalidArgument("entry bytes 35-42: issued_at_ms " +
                           std::to_string(e.issued_at_ms) + " exceeds 2^63-1");
  }
  *size = kEncodedEntrySize;
  if (version == kSourcedEntryVersion) {
    if (bytes.size() < kEncodedEntrySize + 1 || bytes[kEncodedEntrySize] == 0) {
      return InvalidArgument(
          "entry byte 43: a version 2 entry needs a source of 1-255 bytes");
    }
    const size_t len = bytes[kEncodedEntrySize];
    if (bytes.size() < kEncodedEntrySize + 1 + len) {
      return InvalidArgument("entry byte 43: source of " + std::to_string(len) +
                             " bytes, but only " +
                             std::to_string(bytes.size() - 44) + " follow");
    }
    const ByteView src = bytes.subspan(kEncodedEntrySize + 1, len);
    for (size_t i = 0; i < src.size(); ++i) {
      const char c = static_cast<char>(src[i]);
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
            c == '/')) {
        return InvalidArgument("entry byte " + std::to_string(44 + i) +
                               ": the source may hold only [a-z0-9/-]");
      }
    }
    e.source.assign(AsChars(src).begin(), AsChars(src).end());
    *size = kEncodedEntrySize + 1 + len;
  }
  return e;
}

Result<Entry> DecodeEntry(ByteView bytes) {
  size_t size = 0;
  IMEISYNC_ASSIGN_OR_RETURN(Entry e, DecodeEntryPrefix(bytes, &size));
  if (bytes.size() != size) {
    return InvalidArgument("entry is " + std::to_string(bytes.size()) +
                           " bytes; the canonical encoding is exactly " +
                           std::to_string(size) + " (trailing bytes)");
  }
  return e;
}

}  // namespace imeisync::node
