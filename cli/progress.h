// Progress of long CLI work on stderr: a redrawn bar with rate and ETA on a
// terminal, plain lines every few seconds otherwise (logs, CI).
#ifndef IMEISYNC_CLI_PROGRESS_H_
#define IMEISYNC_CLI_PROGRESS_H_

#include <chrono>
#include <cstdint>
#include <string>

namespace imeisync::cli {

class Progress {
 public:
  // `what` names the work ("import"); `total_bytes` 0 = unknown (stdin).
  Progress(std::string what, uint64_t total_bytes);

  // Reports `rows` done and `bytes` of input consumed; draws at most every
  // 200 ms on a terminal, every 5 s otherwise.
  void Update(uint64_t rows, uint64_t bytes);
  // Draws the final state and ends the line.
  void Finish(uint64_t rows, uint64_t bytes);

 private:
  void Draw(uint64_t rows, uint64_t bytes, bool final);

  const std::string what_;
  const uint64_t total_bytes_;
  const bool tty_;
  const std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace imeisync::cli

#endif  // IMEISYNC_CLI_PROGRESS_H_
