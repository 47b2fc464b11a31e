namespace PdfAspire.TaskQueue;

/// <summary>
/// The multi-key moves of the queue itself that must be atomic, as Lua. Redis runs a script without interleaving, so
/// two workers reaping or promoting at once cannot move a task twice. Keys come from the caller; where a script
/// derives one (a worker's processing list from its id) it does so from a prefix passed in. The moves that also write
/// a task's history are in <see cref="HistoryScripts"/>. Like those, each is refused whole while Redis is at its
/// maxmemory, except the heartbeat, which rewrites the same few bytes and keeps a live worker's lease from expiring.
/// </summary>
internal static class QueueScripts
{
    /// <summary>
    /// KEYS: delayed, pending. ARGV: now (ms), batch size. Moves due retries to the back of pending; returns how many
    /// moved and the due time (ms) of the next one still waiting, or "".
    /// </summary>
    public const string PromoteDue = """
        #!lua
        local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
        if #due > 0 then
          redis.call('ZREM', KEYS[1], unpack(due))
          redis.call('LPUSH', KEYS[2], unpack(due))
        end
        local next = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
        return {#due, next[2] or ''}
        """;

    /// <summary>
    /// KEYS: workers, pending. ARGV: now (ms), processing prefix, worker-info prefix, then ids of orphaned lists.
    /// Returns every in-flight task of each worker whose lease expired (and of each orphan) to the front of pending.
    /// </summary>
    public const string ReapWorkers = """
        #!lua
        local workers = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
        for i = 4, #ARGV do table.insert(workers, ARGV[i]) end
        local moved = 0
        for _, worker in ipairs(workers) do
          local list = ARGV[2] .. worker
          while redis.call('LMOVE', list, KEYS[2], 'RIGHT', 'RIGHT') do moved = moved + 1 end
          redis.call('ZREM', KEYS[1], worker)
          redis.call('DEL', ARGV[3] .. worker)
        end
        return moved
        """;

    /// <summary>
    /// KEYS: a live worker's processing list, pending. ARGV: payload. Returns one entry the worker does not know it
    /// holds to the front of pending; 0 if the entry has gone meanwhile (the worker finished it after all).
    /// </summary>
    public const string ReturnStray = """
        #!lua
        if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 1 then
          redis.call('RPUSH', KEYS[2], ARGV[1])
          return 1
        end
        return 0
        """;

    /// <summary>
    /// KEYS: workers, this worker's record, paused flag, pending, delayed, this worker's processing list, recent tasks.
    /// ARGV: worker id, lease until (ms), now (ms), the record's time to live (ms), then the record's host, concurrency,
    /// in flight, paused ("1"/"0"), started at (ms) and heartbeat time (ms). Renews the lease and publishes the record;
    /// returns what the worker's housekeeping acts on, all in this one round trip: whether consumption is paused, the
    /// pending backlog, when the next retry is due, whether any lease has expired, how many entries this worker's
    /// processing list holds, the oldest task history's time and how many histories there are.
    /// </summary>
    public const string Heartbeat = $$"""
        #!lua flags=allow-oom
        redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
        redis.call('HSET', KEYS[2], '{{WorkerRecordFields.Host}}', ARGV[5], '{{WorkerRecordFields.Concurrency}}', ARGV[6],
          '{{WorkerRecordFields.InFlight}}', ARGV[7], '{{WorkerRecordFields.Paused}}', ARGV[8], '{{WorkerRecordFields.StartedAt}}', ARGV[9],
          '{{WorkerRecordFields.HeartbeatAt}}', ARGV[10])
        redis.call('PEXPIRE', KEYS[2], ARGV[4])
        local due = redis.call('ZRANGE', KEYS[5], 0, 0, 'WITHSCORES')
        local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[3], 'LIMIT', 0, 1)
        local oldest = redis.call('ZRANGE', KEYS[7], 0, 0, 'WITHSCORES')
        return {redis.call('EXISTS', KEYS[3]), redis.call('LLEN', KEYS[4]), due[2] or '', #expired, redis.call('LLEN', KEYS[6]),
          oldest[2] or '', redis.call('ZCARD', KEYS[7])}
        """;

    /// <summary>
    /// KEYS: dead, pending, task record, timeline, recent tasks. ARGV: task id, event JSON, now (ms), events kept, an
    /// edited payload or "", "1" to queue it in this lane (or "0": another lane has it queued already). Re-queues one
    /// dead letter's payload (or the edited one in its place) and removes the letter in one step, so a retry clicked
    /// twice, or by two operators at once, queues the task once. The task starts again with fresh attempts. An edit keeps
    /// the original payload in the event it adds to the timeline. A letter whose payload was truncated (over the size
    /// limit) is retried only edited. With "0" the letter goes and its history says where the task went. KEYS 6-8: the
    /// dead letters' index, summaries and counts, from which the letter goes with it.
    /// </summary>
    public const string RetryDead = "#!lua\n" + DeadLetterIndexScripts.Functions + $$"""
        local letter = redis.call('HGET', KEYS[1], ARGV[1])
        if not letter then return 0 end
        local decoded = cjson.decode(letter)
        local edited = ARGV[5]
        local entry = ARGV[2]
        if edited == '' then
          -- An oversized payload was kept only in part: re-queueing the part would only fail again.
          if decoded['{{DeadLetter.PayloadTruncatedField}}'] then return 0 end
        else
          local event = cjson.decode(entry)
          event['{{TaskEvent.OriginalPayloadField}}'] = decoded['{{DeadLetter.PayloadField}}']
          entry = cjson.encode(event)
        end
        local payload = edited ~= '' and edited or decoded['{{DeadLetter.PayloadField}}']
        redis.call('HDEL', KEYS[1], ARGV[1])
        unindex(KEYS[6], KEYS[7], KEYS[8], ARGV[1])
        if ARGV[6] == '1' then
          redis.call('LPUSH', KEYS[2], payload)
          redis.call('HSET', KEYS[3], '{{TaskRecordFields.Status}}', '{{TaskStatuses.Pending}}', '{{TaskRecordFields.Attempts}}', 0,
            '{{TaskRecordFields.InfrastructureRetries}}', 0, '{{TaskRecordFields.Timeline}}', 1)
        else
          redis.call('HSET', KEYS[3], '{{TaskRecordFields.Status}}', '{{TaskStatuses.Moved}}', '{{TaskRecordFields.Timeline}}', 1)
        end
        redis.call('RPUSH', KEYS[4], entry)
        redis.call('LTRIM', KEYS[4], -tonumber(ARGV[4]), -1)
        redis.call('ZADD', KEYS[5], ARGV[3], ARGV[1])
        return 1
        """;
}
