namespace PdfAspire.TaskQueue;

/// <summary>
/// The per-task moves that write history, each one Lua script: one round trip, one atomic step, and no MULTI/EXEC
/// framing. Field and status names come from <see cref="TaskRecordFields"/> and <see cref="TaskStatuses"/>, written
/// into the scripts' text once. A task's timeline list exists only once its life was more than a start and an
/// outcome: a retry or a dead letter creates it, beginning with the attempt's start, and marks the record
/// (<see cref="TaskRecordFields.Timeline"/>), so the moves of a task without one spend no command on it.
/// Each script declares itself with a <c>#!lua</c> line, so a Redis at its maxmemory refuses a move whole before it
/// runs instead of failing it halfway (a payload gone from a processing list but never written to the dead letters
/// would be a task lost); forgetting histories, which only frees memory, is allowed while Redis is full.
/// </summary>
internal static class HistoryScripts
{
    /// <summary>
    /// KEYS: task record, search index, timeline. ARGV: now (ms), worker, file name, bucket, object key, submitted at (ms
    /// or ""), metadata JSON (or ""), the "started" event, then the task's search entries. Counts the attempt and records
    /// who has the task; indexes it on its first attempt. Returns the attempt number, the first attempt's time, the last
    /// failure's category, the infrastructure retries so far, and whether the task has a timeline. (Its place among the
    /// recent tasks comes with its outcome: every attempt ends in one, or in another attempt.)
    /// The task id is an idempotency key: when the record names another bucket, object key or metadata, the task is not
    /// this one delivered again but a conflict, and nothing is written; it returns {0, bucket, object key, metadata} as
    /// recorded. (An empty recorded field is one an operator's retry could not know: no conflict.)
    /// </summary>
    public const string BeginAttempt = $$"""
        #!lua
        local recorded = redis.call('HMGET', KEYS[1], '{{TaskRecordFields.Bucket}}', '{{TaskRecordFields.ObjectKey}}', '{{TaskRecordFields.Metadata}}')
        local function same_metadata(a, b)
          if (a or '') == b then return true end
          local x = (a and a ~= '') and cjson.decode(a) or {}
          local y = b ~= '' and cjson.decode(b) or {}
          for k, v in pairs(x) do if y[k] ~= v then return false end end
          for k, v in pairs(y) do if x[k] ~= v then return false end end
          return true
        end
        if (recorded[1] and recorded[1] ~= '' and recorded[1] ~= ARGV[4])
          or (recorded[2] and recorded[2] ~= '' and recorded[2] ~= ARGV[5])
          or (recorded[2] and recorded[2] ~= '' and not same_metadata(recorded[3], ARGV[7])) then
          return {0, recorded[1] or '', recorded[2] or '', recorded[3] or ''}
        end
        local prior = redis.call('HMGET', KEYS[1], '{{TaskRecordFields.Attempts}}', '{{TaskRecordFields.FirstAttemptAt}}',
          '{{TaskRecordFields.LastErrorCategory}}', '{{TaskRecordFields.InfrastructureRetries}}', '{{TaskRecordFields.Timeline}}',
          '{{TaskRecordFields.LastStartedAt}}')
        local attempts = (tonumber(prior[1]) or 0) + 1
        -- A first attempt's start is its last start; the first one is written apart once a second begins.
        local first = prior[2] or prior[6] or ARGV[1]
        local fields = {'{{TaskRecordFields.Attempts}}', attempts,
          '{{TaskRecordFields.Status}}', '{{TaskStatuses.Processing}}', '{{TaskRecordFields.Worker}}', ARGV[2],
          '{{TaskRecordFields.LastStartedAt}}', ARGV[1], '{{TaskRecordFields.FileName}}', ARGV[3],
          '{{TaskRecordFields.Bucket}}', ARGV[4], '{{TaskRecordFields.ObjectKey}}', ARGV[5]}
        if first ~= ARGV[1] then fields[#fields + 1] = '{{TaskRecordFields.FirstAttemptAt}}'; fields[#fields + 1] = first end
        if ARGV[6] ~= '' then fields[#fields + 1] = '{{TaskRecordFields.SubmittedAt}}'; fields[#fields + 1] = ARGV[6] end
        if ARGV[7] ~= '' then fields[#fields + 1] = '{{TaskRecordFields.Metadata}}'; fields[#fields + 1] = ARGV[7] end
        redis.call('HSET', KEYS[1], unpack(fields))
        if attempts == 1 and #ARGV > 8 then
          local entries = {'NX'}
          for i = 9, #ARGV do entries[#entries + 1] = 0; entries[#entries + 1] = ARGV[i] end
          redis.call('ZADD', KEYS[2], unpack(entries))
        end
        if prior[5] then redis.call('RPUSH', KEYS[3], ARGV[8]) end
        return {attempts, first, prior[3] or '', prior[4] or '0', prior[5] and 1 or 0}
        """;

    /// <summary>
    /// KEYS: processing list, task record, recent tasks, timeline, result details, pending. ARGV: payload, task id, now
    /// (ms), details JSON (or ""), the details' slot in the ring (or ""), the "succeeded" event (or "" when the task has
    /// no timeline), "1" to take the next task, then the result's field/value pairs. Ingest has the result: the task
    /// leaves the processing list; its details take their slot, over an older task's. With "1", the next pending task
    /// moves into the processing list in the same step and is returned (or nil): a busy worker's next take costs no
    /// round trip of its own.
    /// </summary>
    public const string Acknowledge = $$"""
        #!lua
        redis.call('LREM', KEYS[1], 1, ARGV[1])
        local fields = {'{{TaskRecordFields.Status}}', '{{TaskStatuses.Done}}', '{{TaskRecordFields.CompletedAt}}', ARGV[3]}
        for i = 8, #ARGV do fields[#fields + 1] = ARGV[i] end
        if ARGV[5] ~= '' then
          redis.call('HSET', KEYS[5], ARGV[5], ARGV[2] .. '\n' .. ARGV[4])
          fields[#fields + 1] = '{{TaskRecordFields.DetailsSlot}}'
          fields[#fields + 1] = ARGV[5]
        end
        redis.call('HSET', KEYS[2], unpack(fields))
        if ARGV[6] ~= '' then redis.call('RPUSH', KEYS[4], ARGV[6]) end
        redis.call('ZADD', KEYS[3], ARGV[3], ARGV[2])
        if ARGV[7] == '1' then return redis.call('LMOVE', KEYS[6], KEYS[1], 'RIGHT', 'LEFT') end
        return false
        """;

    /// <summary>
    /// KEYS: processing list, delayed set, task record, recent tasks, timeline, pending. ARGV: payload, task id, now (ms),
    /// due (ms), category, message, "1" for an infrastructure retry, the "retry scheduled" event, the attempt's "started"
    /// event, events kept, "1" to take the next task. Moves the task from processing to the delayed set (and, with "1",
    /// the next pending one into processing, returned as the acknowledgement returns it).
    /// </summary>
    public const string ScheduleRetry = $$"""
        #!lua
        redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1])
        redis.call('LREM', KEYS[1], 1, ARGV[1])
        if ARGV[7] == '1' then redis.call('HINCRBY', KEYS[3], '{{TaskRecordFields.InfrastructureRetries}}', 1) end
        redis.call('HSET', KEYS[3], '{{TaskRecordFields.Status}}', '{{TaskStatuses.Retrying}}', '{{TaskRecordFields.LastErrorCategory}}', ARGV[5],
          '{{TaskRecordFields.LastError}}', ARGV[6], '{{TaskRecordFields.NextAttemptAt}}', ARGV[4], '{{TaskRecordFields.Timeline}}', 1)
        if redis.call('EXISTS', KEYS[5]) == 0 then redis.call('RPUSH', KEYS[5], ARGV[9]) end
        redis.call('RPUSH', KEYS[5], ARGV[8])
        redis.call('LTRIM', KEYS[5], -tonumber(ARGV[10]), -1)
        redis.call('ZADD', KEYS[4], ARGV[3], ARGV[2])
        if ARGV[11] == '1' then return redis.call('LMOVE', KEYS[6], KEYS[1], 'RIGHT', 'LEFT') end
        return false
        """;

    /// <summary>
    /// KEYS: processing list, dead letters, task record, recent tasks, timeline, pending. ARGV: payload (or "" with a
    /// length and digest), task id, the letter's JSON, now (ms), category, message, the "dead lettered" event, the
    /// attempt's "started" event (or "" when no attempt began: a malformed payload), events kept, the payload's length
    /// and SHA-1 when it is found by them (an oversized one, never sent back to Redis), else "", "1" to take the next
    /// task, then the letter's summary JSON. KEYS 7-9: the dead letters' index, summaries and counts. Moves the task to
    /// the dead letters, indexed (and, with "1", the next pending one into processing).
    /// </summary>
    public const string DeadLetter = "#!lua\n" + DeadLetterIndexScripts.Functions + $$"""
        if ARGV[10] ~= '' then
          for _, entry in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
            if #entry == tonumber(ARGV[10]) and redis.sha1hex(entry) == ARGV[11] then
              redis.call('LREM', KEYS[1], 1, entry)
              break
            end
          end
        else
          redis.call('LREM', KEYS[1], 1, ARGV[1])
        end
        redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
        index(KEYS[7], KEYS[8], KEYS[9], ARGV[2], ARGV[13], ARGV[5], ARGV[4])
        redis.call('HSET', KEYS[3], '{{TaskRecordFields.Status}}', '{{TaskStatuses.Dead}}', '{{TaskRecordFields.LastErrorCategory}}', ARGV[5],
          '{{TaskRecordFields.LastError}}', ARGV[6], '{{TaskRecordFields.CompletedAt}}', ARGV[4], '{{TaskRecordFields.Timeline}}', 1)
        if ARGV[8] ~= '' and redis.call('EXISTS', KEYS[5]) == 0 then redis.call('RPUSH', KEYS[5], ARGV[8]) end
        redis.call('RPUSH', KEYS[5], ARGV[7])
        redis.call('LTRIM', KEYS[5], -tonumber(ARGV[9]), -1)
        redis.call('ZADD', KEYS[4], ARGV[4], ARGV[2])
        if ARGV[12] == '1' then return redis.call('LMOVE', KEYS[6], KEYS[1], 'RIGHT', 'LEFT') end
        return false
        """;

    /// <summary>
    /// KEYS: recent tasks, search index, result details, details counter. ARGV: task record prefix, timeline suffix, now
    /// (ms), then per task: id, its score in recent tasks as read, the number of its search entries, the entries. Forgets
    /// each task whose score is unchanged since it was read (nothing happened to it meanwhile): record, timeline, search
    /// entries, details, and its place in recent tasks. A task still pending, in flight or awaiting a retry is never
    /// forgotten (its attempts guard against poison documents): it counts as active now instead. Returns how many were
    /// forgotten and how many kept.
    /// </summary>
    public const string Forget = $$"""
        #!lua flags=allow-oom
        local forgotten, kept = 0, 0
        local i = 4
        while i <= #ARGV do
          local id, score, n = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
          if tonumber(redis.call('ZSCORE', KEYS[1], id)) == tonumber(score) then
            local record = ARGV[1] .. id
            local state = redis.call('HMGET', record, '{{TaskRecordFields.Status}}', '{{TaskRecordFields.DetailsSlot}}')
            if state[1] == '{{TaskStatuses.Pending}}' or state[1] == '{{TaskStatuses.Processing}}' or state[1] == '{{TaskStatuses.Retrying}}' then
              redis.call('ZADD', KEYS[1], ARGV[3], id)
              kept = kept + 1
            else
              redis.call('DEL', record, record .. ARGV[2])
              if n > 0 then redis.call('ZREM', KEYS[2], unpack(ARGV, i + 3, i + 2 + n)) end
              if state[2] then
                local details = redis.call('HGET', KEYS[3], state[2])
                if details and string.sub(details, 1, #id + 1) == id .. '\n' then redis.call('HDEL', KEYS[3], state[2]) end
              end
              redis.call('ZREM', KEYS[1], id)
              forgotten = forgotten + 1
            end
          end
          i = i + 3 + n
        end
        if redis.call('EXISTS', KEYS[3]) == 0 then redis.call('DEL', KEYS[4]) end
        return {forgotten, kept}
        """;
}
