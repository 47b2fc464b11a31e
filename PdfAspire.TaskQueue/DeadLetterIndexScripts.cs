namespace PdfAspire.TaskQueue;

/// <summary>
/// The dead letters' index (<see cref="QueueKeys.DeadIndex"/>, <see cref="QueueKeys.DeadSummaries"/>,
/// <see cref="QueueKeys.DeadCounts"/>), kept by every script that writes or removes a letter, in the same step: the
/// failures page pages, counts and searches it without reading a payload. <see cref="Functions"/> opens those
/// scripts; their keys are the lane's, so one slot.
/// </summary>
internal static class DeadLetterIndexScripts
{
    /// <summary>
    /// <c>unindex(index, summaries, counts, id)</c> forgets a letter's entries; <c>index(index, summaries, counts, id,
    /// summary JSON, category, failed at ms)</c> adds them, over any a letter of the same id had (counted once).
    /// </summary>
    public const string Functions = """
        local function unindex(index, summaries, counts, id)
          local summary = redis.call('HGET', summaries, id)
          if summary then
            local category = cjson.decode(summary)['category']
            if redis.call('HINCRBY', counts, category, -1) <= 0 then redis.call('HDEL', counts, category) end
            redis.call('HDEL', summaries, id)
          end
          redis.call('ZREM', index, id)
        end
        local function index(index, summaries, counts, id, summary, category, failed_at)
          unindex(index, summaries, counts, id)
          redis.call('HSET', summaries, id, summary)
          redis.call('HINCRBY', counts, category, 1)
          redis.call('ZADD', index, failed_at, id)
        end

        """;

    /// <summary>KEYS: dead, index, summaries, counts. ARGV: task id. Deletes the letter and its entries; returns 1 if it was there.</summary>
    public const string Remove = "#!lua\n" + Functions + """
        if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return 0 end
        unindex(KEYS[2], KEYS[3], KEYS[4], ARGV[1])
        return 1
        """;

    /// <summary>
    /// KEYS: dead, index, summaries, counts. ARGV: task id, summary JSON, category, failed at (ms). Indexes a letter
    /// written before there was an index (an earlier version's), if it is still there and not indexed yet; returns 1 then.
    /// </summary>
    public const string IndexOne = "#!lua\n" + Functions + """
        if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 or redis.call('HEXISTS', KEYS[3], ARGV[1]) == 1 then return 0 end
        index(KEYS[2], KEYS[3], KEYS[4], ARGV[1], ARGV[2], ARGV[3], ARGV[4])
        return 1
        """;
}
