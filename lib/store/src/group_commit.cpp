#include "group_commit.hpp"

namespace tanba::store::sqlite {

GroupCommitter::GroupCommitter(std::unique_ptr<Connection> conn, Hooks hooks)
    : conn_(std::move(conn)), hooks_(std::move(hooks)), writer_([this] { loop(); }) {}

GroupCommitter::~GroupCommitter() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    queued_.notify_all();
    writer_.join();
}

std::future<void> GroupCommitter::submit(Work work) {
    auto p = std::make_unique<Pending>();
    p->work = std::move(work);
    auto future = p->done.get_future();
    {
        std::lock_guard lock(mutex_);
        queue_.push_back(std::move(p));
    }
    queued_.notify_one();
    return future;
}

void GroupCommitter::loop() {
    std::unique_lock lock(mutex_);
    bool committed = false;  // since the last idle hook
    for (;;) {
        const auto ready = [&] { return stopping_ || !queue_.empty(); };
        if (committed && hooks_.when_idle && !queued_.wait_for(lock, hooks_.idle_after, ready)) {
            lock.unlock();
            hooks_.when_idle(*conn_);
            lock.lock();
            committed = false;
            continue;
        }
        queued_.wait(lock, ready);
        if (queue_.empty()) {  // stopping with nothing left
            lock.unlock();
            if (committed && hooks_.when_idle) hooks_.when_idle(*conn_);
            return;
        }
        std::deque<std::unique_ptr<Pending>> batch;
        batch.swap(queue_);
        lock.unlock();
        commit_batch(batch);
        committed = true;
        for (auto& p : batch) {
            if (p->error) p->done.set_exception(p->error);
            else p->done.set_value();
        }
        lock.lock();
    }
}

void GroupCommitter::commit_batch(std::deque<std::unique_ptr<Pending>>& batch) {
    try {
        if (hooks_.before_batch)
            if (auto refused = hooks_.before_batch(*conn_)) throw *refused;
        conn_->exec("BEGIN IMMEDIATE");
    } catch (...) {
        for (auto& p : batch) p->error = std::current_exception();
        return;
    }
    for (auto& p : batch) {
        try {
            conn_->exec("SAVEPOINT unit");
            try {
                p->work(*conn_);
                conn_->exec("RELEASE unit");
            } catch (...) {
                p->error = std::current_exception();
                conn_->exec("ROLLBACK TO unit");
                conn_->exec("RELEASE unit");
            }
        } catch (...) {
            if (!p->error) p->error = std::current_exception();
        }
    }
    try {
        conn_->exec("COMMIT");
    } catch (...) {
        auto e = std::current_exception();
        try {
            conn_->exec("ROLLBACK");
        } catch (...) {
        }
        for (auto& p : batch)
            if (!p->error) p->error = e;
    }
}

}  // namespace tanba::store::sqlite
