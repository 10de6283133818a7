#include "node/replication/origin_prefix.h"

#include <algorithm>
#include <string>

namespace imeisync::node::replication {

Result<Bytes> OriginPrefix(std::string_view origin) {
  if (origin.empty() || origin.size() > 255) {
    return InvalidArgument("origin must be 1 to 255 bytes, got " +
                           std::to_string(origin.size()));
  }
  Bytes p(1 + origin.size());
  p[0] = static_cast<uint8_t>(origin.size());
  std::copy(origin.begin(), origin.end(), p.begin() + 1);
  return p;
}

}  // namespace imeisync::node::replication
