#include "node/core/storage.h"

#include <vector>

#include "node/core/exporter.h"
#include "node/tags/oprf_budget.h"
#include "node/tags/tag_cache.h"
#include "node/verdict/local_data.h"

namespace imeisync::node::core {
namespace {

std::vector<std::string> StoreDatabases() {
  std::vector<std::string> dbs;
  for (const char* d : replication::kOriginLogDatabases) dbs.push_back(d);
  for (const char* d : state::kStateDatabases) dbs.push_back(d);
  for (const char* d : verdict::kLocalDatabases) dbs.push_back(d);
  for (const char* d : replication::kWitnessDatabases) dbs.push_back(d);
  for (const char* d : tags::kTagCacheDatabases) dbs.push_back(d);
  for (const char* d : tags::kOprfBudgetDatabases) dbs.push_back(d);
  for (const char* d : kExporterDatabases) dbs.push_back(d);
  return dbs;
}

}  // namespace

Result<std::unique_ptr<Storage>> Storage::Open(const std::string& data_dir) {
  store::EnvOptions options;
  options.path = data_dir;
  options.databases = StoreDatabases();
  IMEISYNC_ASSIGN_OR_RETURN(std::unique_ptr<store::Env> env,
                            store::Env::Open(options));
  IMEISYNC_ASSIGN_OR_RETURN(replication::OriginLogs logs,
                            replication::OriginLogs::Open(*env));
  IMEISYNC_ASSIGN_OR_RETURN(state::StateFold fold,
                            state::StateFold::Open(*env));
  IMEISYNC_ASSIGN_OR_RETURN(replication::Witness witness,
                            replication::Witness::Open(*env));
  return std::unique_ptr<Storage>(
      new Storage(std::move(env), logs, fold, witness));
}

}  // namespace imeisync::node::core
