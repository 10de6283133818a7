#include "node/store/env.h"

#include <sys/stat.h>

#include <cerrno>
#include <set>
#include <utility>

#include "node/store/lmdb_error.h"

namespace imeisync::node::store {
namespace {

// Directories (device, inode) open in this process: LMDB forbids opening one
// environment twice in a process, because closing either copy drops the
// other's POSIX locks.
std::mutex g_open_mu;
std::set<std::pair<dev_t, ino_t>>& OpenEnvs() {
  static auto* envs = new std::set<std::pair<dev_t, ino_t>>;
  return *envs;
}

struct CloseEnv {
  void operator()(MDB_env* e) const { mdb_env_close(e); }
};

}  // namespace

Result<std::unique_ptr<Env>> Env::Open(const EnvOptions& options) {
  const std::string& path = options.path;
  if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) {
    return LmdbStatus(errno, "cannot create data directory " + path);
  }
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    return LmdbStatus(errno, "cannot stat data directory " + path);
  }
  if (!S_ISDIR(st.st_mode)) {
    return FailedPrecondition("data directory " + path + " is not a directory");
  }
  {
    std::lock_guard<std::mutex> lock(g_open_mu);
    if (!OpenEnvs().insert({st.st_dev, st.st_ino}).second) {
      return FailedPrecondition("LMDB environment " + path +
                                " is already open in this process");
    }
  }
  auto forget = [&] {
    std::lock_guard<std::mutex> lock(g_open_mu);
    OpenEnvs().erase({st.st_dev, st.st_ino});
  };

  MDB_env* raw = nullptr;
  int rc = mdb_env_create(&raw);
  if (rc != 0) {
    forget();
    return LmdbStatus(rc, "mdb_env_create");
  }
  std::unique_ptr<MDB_env, CloseEnv> env(raw);
  if ((rc = mdb_env_set_maxdbs(
           raw, static_cast<MDB_dbi>(options.databases.size()))) != 0 ||
      (rc = mdb_env_set_mapsize(raw, options.initial_map_size)) != 0 ||
      (rc = mdb_env_set_maxreaders(raw, options.max_readers)) != 0) {
    forget();
    return LmdbStatus(rc, "configure LMDB environment " + path);
  }
  rc = mdb_env_open(raw, path.c_str(), MDB_NOTLS, 0600);
  if (rc != 0) {
    forget();
    return LmdbStatus(rc, "open LMDB environment " + path);
  }
  // Clear reader slots left by crashed processes, so they pin no pages.
  int dead = 0;
  mdb_reader_check(raw, &dead);

  std::unique_ptr<Env> out(
      new Env(env.release(), path, st.st_dev, st.st_ino, options.max_map_size));
  Status s = out->Update([&](WriteTxn& txn) -> Status {
    for (const std::string& name : options.databases) {
      MDB_dbi dbi;
      const int r = mdb_dbi_open(txn.txn_, name.c_str(), MDB_CREATE, &dbi);
      // Through Check(), so a full map is grown and the opening retried.
      if (r != 0) return txn.Check(r, ("open database '" + name + "'").c_str());
      out->dbs_[name] = dbi;
    }
    return Status::Ok();
  });
  if (!s.ok()) return s.WithContext(path);
  return out;
}

Env::Env(MDB_env* env, std::string path, dev_t dev, ino_t ino, size_t max_map)
    : env_(env),
      path_(std::move(path)),
      dev_(dev),
      ino_(ino),
      max_map_size_(max_map) {}

Env::~Env() {
  mdb_env_close(env_);
  std::lock_guard<std::mutex> lock(g_open_mu);
  OpenEnvs().erase({dev_, ino_});
}

Result<Db> Env::Database(const std::string& name) const {
  auto it = dbs_.find(name);
  if (it == dbs_.end()) {
    return NotFound("database '" + name + "' was not declared in EnvOptions");
  }
  return Db(it->second);
}

void Env::EnterTxn(std::thread::id owner) {
  std::unique_lock<std::mutex> lock(mu_);
  // A thread that already holds a transaction must not wait for a resize:
  // the resize is waiting for that very transaction.
  if (open_txns_[owner] == 0) cv_.wait(lock, [&] { return !resizing_; });
  ++open_txns_[owner];
  ++total_open_txns_;
}

void Env::ExitTxn(std::thread::id owner) {
  std::lock_guard<std::mutex> lock(mu_);
  if (--open_txns_[owner] == 0) open_txns_.erase(owner);
  if (--total_open_txns_ == 0) cv_.notify_all();
}

Status Env::Resize(size_t new_size) {
  std::unique_lock<std::mutex> lock(mu_);
  if (open_txns_.count(std::this_thread::get_id()) != 0) {
    return FailedPrecondition(
        "LMDB map of " + path_ +
        " must grow, but this thread holds an open read transaction; end it "
        "before writing");
  }
  cv_.wait(lock, [&] { return !resizing_; });
  resizing_ = true;
  cv_.wait(lock, [&] { return total_open_txns_ == 0; });
  int rc = mdb_env_set_mapsize(env_, new_size);
  resizing_ = false;
  cv_.notify_all();
  return LmdbStatus(rc, "resize LMDB map of " + path_);
}

int Env::BeginRaw(unsigned flags, MDB_txn** txn) {
  *txn = nullptr;
  return mdb_txn_begin(env_, nullptr, flags, txn);
}

Result<ReadTxn> Env::BeginRead() {
  const auto owner = std::this_thread::get_id();
  for (int attempt = 0;; ++attempt) {
    EnterTxn(owner);
    MDB_txn* txn = nullptr;
    const int rc = BeginRaw(MDB_RDONLY, &txn);
    if (rc == 0) return ReadTxn(this, txn, owner);
    ExitTxn(owner);
    if (rc != MDB_MAP_RESIZED || attempt >= 3) {
      return LmdbStatus(rc, "begin transaction on " + path_);
    }
    // Another process grew the map: adopt its size, then retry.
    IMEISYNC_RETURN_IF_ERROR(Resize(0));
  }
}

Status Env::Update(const std::function<Status(WriteTxn&)>& fn) {
  const auto owner = std::this_thread::get_id();
  std::unique_lock<std::mutex> writer(write_mu_);
  // Resizing waits for every transaction of the process to end, including
  // those of threads queued on write_mu_; so it never runs with write_mu_
  // held. The loop then starts over.
  auto resize_unlocked = [&](size_t new_size) {
    writer.unlock();
    Status s = Resize(new_size);
    writer.lock();
    return s;
  };
  for (int resized = 0;; ++resized) {
    EnterTxn(owner);
    MDB_txn* raw = nullptr;
    const int begin_rc = BeginRaw(0, &raw);
    if (begin_rc != 0) {
      ExitTxn(owner);
      if (begin_rc != MDB_MAP_RESIZED || resized >= 64) {
        return LmdbStatus(begin_rc, "begin transaction on " + path_);
      }
      IMEISYNC_RETURN_IF_ERROR(resize_unlocked(0));
      continue;
    }
    WriteTxn txn(this, raw);
    Status s = fn(txn);
    bool map_full = txn.map_full_;
    if (s.ok() && !map_full) {
      const int rc = mdb_txn_commit(raw);
      ExitTxn(owner);
      if (rc == 0) return Status::Ok();
      if (rc != MDB_MAP_FULL) return LmdbStatus(rc, "commit on " + path_);
      map_full = true;
    } else {
      mdb_txn_abort(raw);
      ExitTxn(owner);
      if (!map_full) return s;
    }
    MDB_envinfo info;
    mdb_env_info(env_, &info);
    if (info.me_mapsize >= max_map_size_) {
      return ResourceExhausted("LMDB map of " + path_ +
                               " is full at its limit of " +
                               std::to_string(max_map_size_) + " bytes");
    }
    IMEISYNC_RETURN_IF_ERROR(
        resize_unlocked(std::min(info.me_mapsize * 2, max_map_size_)));
  }
}

Result<EnvStats> Env::Stats() const {
  MDB_envinfo info;
  MDB_stat stat;
  int rc = mdb_env_info(env_, &info);
  if (rc == 0) rc = mdb_env_stat(env_, &stat);
  if (rc != 0) return LmdbStatus(rc, "stat " + path_);
  return EnvStats{info.me_mapsize, (info.me_last_pgno + 1) * stat.ms_psize,
                  stat.ms_entries};
}

}  // namespace imeisync::node::store
