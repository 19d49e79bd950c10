#pragma once
// Group commit: callers on any thread hand in a unit of work; one writer thread runs every
// unit queued so far inside one transaction (each in its own savepoint, so one failing unit
// does not undo the others), commits once, and then completes each unit's future.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "sqlite_connection.hpp"

namespace tanba::store::sqlite {

class GroupCommitter {
public:
    using Work = std::function<void(Connection&)>;
    struct Hooks {
        /// Runs before each batch, outside a transaction; an error it returns fails the batch.
        std::function<std::optional<Error>(Connection&)> before_batch;
        /// Runs once no work has come for `idle_after` since the last commit (e.g. a checkpoint).
        std::function<void(Connection&)> when_idle;
        std::chrono::milliseconds idle_after{100};
    };

    explicit GroupCommitter(std::unique_ptr<Connection> conn, Hooks hooks);
    ~GroupCommitter();  // finishes what is queued, then stops
    GroupCommitter(const GroupCommitter&) = delete;
    GroupCommitter& operator=(const GroupCommitter&) = delete;

    /// Queues work for the next batch. The future becomes ready once that batch is durably
    /// committed, or holds what work threw (its savepoint rolled back) or the commit's failure.
    std::future<void> submit(Work work);

private:
    struct Pending {
        Work work;
        std::promise<void> done;
        std::exception_ptr error;
    };
    void loop();
    void commit_batch(std::deque<std::unique_ptr<Pending>>& batch);

    std::unique_ptr<Connection> conn_;
    Hooks hooks_;
    std::mutex mutex_;
    std::condition_variable queued_;
    std::deque<std::unique_ptr<Pending>> queue_;
    bool stopping_ = false;
    std::thread writer_;
};

}  // namespace tanba::store::sqlite
