#pragma once
// Group commit: callers on any thread hand in a unit of work; one writer thread runs every
// unit queued so far inside one transaction (each in its own savepoint, so one failing unit
// does not undo the others), commits once, and then releases the callers.
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

#include "sqlite_connection.hpp"

namespace tanba::store::sqlite {

class GroupCommitter {
public:
    using Work = std::function<void(Connection&)>;

    explicit GroupCommitter(std::unique_ptr<Connection> conn);
    ~GroupCommitter();
    GroupCommitter(const GroupCommitter&) = delete;
    GroupCommitter& operator=(const GroupCommitter&) = delete;

    /// Runs work in the next batch and returns once that batch is durably committed; rethrows
    /// what work threw (its savepoint rolled back), or the commit's failure.
    void run(Work work);

private:
    struct Pending {
        Work work;
        std::exception_ptr error;
        bool done = false;
    };
    void loop();
    void commit_batch(std::deque<Pending*>& batch);

    std::unique_ptr<Connection> conn_;
    std::mutex mutex_;
    std::condition_variable queued_;
    std::condition_variable finished_;
    std::deque<Pending*> queue_;
    bool stopping_ = false;
    std::thread writer_;
};

}  // namespace tanba::store::sqlite
