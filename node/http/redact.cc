#include "node/http/redact.h"

#include <algorithm>
#include <cstddef>

namespace imeisync::node::http {

std::string Redact(std::string_view s) {
  std::string out;
  out.reserve(std::min<size_t>(s.size(), 200));
  for (size_t i = 0; i < s.size() && out.size() < 200;) {
    size_t j = i;
    while (j < s.size() && s[j] >= '0' && s[j] <= '9') ++j;
    if (j - i >= 5) {
      out += '#';
      i = j;
    } else if (j > i) {
      out.append(s.substr(i, j - i));
      i = j;
    } else {
      const char c = s[i++];
      out += (c >= 0x20 && c < 0x7F) ? c : '?';
    }
  }
  return out;
}

std::string_view PathOf(std::string_view target) {
  return target.substr(0, target.find('?'));
}

}  // namespace imeisync::node::http
