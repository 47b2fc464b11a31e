namespace PdfAspire.TaskQueue;

/// <summary>
/// The multi-key moves that must be atomic, as Lua. Redis runs a script without interleaving, so two workers reaping
/// or promoting at once cannot move a task twice. (Standalone Redis, as the guide deploys: the derived key names are
/// built inside the scripts from prefixes passed in; every key and field name comes from the caller.)
/// </summary>
internal static class QueueScripts
{
    /// <summary>KEYS: delayed, pending. ARGV: now (ms), batch size. Moves due retries to the back of pending.</summary>
    public const string PromoteDue = """
        local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
        for _, payload in ipairs(due) do
          redis.call('ZREM', KEYS[1], payload)
          redis.call('LPUSH', KEYS[2], payload)
        end
        return #due
        """;

    /// <summary>
    /// KEYS: workers, pending. ARGV: now (ms), processing prefix, worker-info prefix, then ids of orphaned lists.
    /// Returns every in-flight task of each worker whose lease expired (and of each orphan) to the front of pending.
    /// </summary>
    public const string ReapWorkers = """
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
        if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 1 then
          redis.call('RPUSH', KEYS[2], ARGV[1])
          return 1
        end
        return 0
        """;

    /// <summary>
    /// KEYS: a processing list. ARGV: length, SHA-1 (hex). Removes the one entry with that length and digest: how an
    /// oversized payload leaves the list without being sent back to Redis as the argument of an LREM.
    /// </summary>
    public const string RemoveByDigest = """
        for _, entry in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
          if #entry == tonumber(ARGV[1]) and redis.sha1hex(entry) == ARGV[2] then
            return redis.call('LREM', KEYS[1], 1, entry)
          end
        end
        return 0
        """;

    /// <summary>
    /// KEYS: dead, pending, task record, task events, recent tasks. ARGV: task id, event JSON, now (ms), event
    /// retention (s), max events, then the names the script writes and reads (<see cref="TaskRecordFields"/>'s status,
    /// the pending status, attempts, infrastructure retries; the letter's payload and truncation flag; the event's
    /// original-payload field), then an edited payload or "". Re-queues one dead letter's payload (or the edited one
    /// in its place) and removes the letter in one step, so a retry clicked twice, or by two operators at once, queues
    /// the task once. The task starts again with fresh attempts. An edit keeps the original payload in the event it
    /// adds to the timeline. A letter whose payload was truncated (over the size limit) is retried only edited.
    /// </summary>
    public const string RetryDead = """
        local letter = redis.call('HGET', KEYS[1], ARGV[1])
        if not letter then return 0 end
        local decoded = cjson.decode(letter)
        local edited = ARGV[13]
        local entry = ARGV[2]
        if edited == '' then
          -- An oversized payload was kept only in part: re-queueing the part would only fail again.
          if decoded[ARGV[11]] then return 0 end
        else
          local event = cjson.decode(entry)
          event[ARGV[12]] = decoded[ARGV[10]]
          entry = cjson.encode(event)
        end
        local payload = edited ~= '' and edited or decoded[ARGV[10]]
        redis.call('HDEL', KEYS[1], ARGV[1])
        redis.call('LPUSH', KEYS[2], payload)
        redis.call('HSET', KEYS[3], ARGV[6], ARGV[7], ARGV[8], 0, ARGV[9], 0)
        redis.call('RPUSH', KEYS[4], entry)
        redis.call('LTRIM', KEYS[4], -tonumber(ARGV[5]), -1)
        redis.call('EXPIRE', KEYS[4], ARGV[4])
        redis.call('ZADD', KEYS[5], ARGV[3], ARGV[1])
        return 1
        """;
}
