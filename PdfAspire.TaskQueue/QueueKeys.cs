namespace PdfAspire.TaskQueue;

/// <summary>
/// Every Redis key of one lane (a pending list and what derives from it). The pending list keeps the name producers
/// push to and holds only task JSON, because its length is the backlog KEDA scales on. Every derived key starts with
/// the lane's name as a hash tag (<c>{queue:upload_tasks}:…</c>): Redis Cluster hashes only the tag, so every key of
/// the lane is in the pending list's own slot, and every move of the lane, one script over several keys, runs on one
/// node.
/// </summary>
public sealed record QueueKeys(string Pending)
{
    /// <summary>The lane's name as a hash tag: the prefix of every derived key.</summary>
    public string Tag => $"{{{Pending}}}";

    /// <summary>Tasks a worker has taken and not yet finished (reliable-queue pattern, one list per worker).</summary>
    public string Processing(string workerId) => $"{ProcessingPrefix}{workerId}";

    public string ProcessingPrefix => $"{Tag}:processing:";

    /// <summary>ZSET of tasks waiting for a retry (the task JSON), scored by due time in Unix milliseconds.</summary>
    public string Delayed => $"{Tag}:delayed";

    /// <summary>HASH of dead letters by task id: tasks that will not be retried without an operator.</summary>
    public string Dead => $"{Tag}:dead";

    /// <summary>ZSET of the dead letters' task ids by when they failed (Unix ms): the failures page's order, a page at a time.</summary>
    public string DeadIndex => $"{Dead}:index";

    /// <summary>HASH of each dead letter's <see cref="DeadLetterSummary"/> by task id: what a page lists and a search reads.</summary>
    public string DeadSummaries => $"{Dead}:summaries";

    /// <summary>HASH of how many dead letters there are of each category.</summary>
    public string DeadCounts => $"{Dead}:counts";

    /// <summary>STRING held for a few seconds while an operator's retry moves one dead letter into another lane.</summary>
    public string RetryClaim(string taskId) => $"{Dead}:moving:{taskId}";

    /// <summary>ZSET of live workers, scored by when their lease expires (Unix milliseconds).</summary>
    public string Workers => $"{Tag}:workers";

    /// <summary>HASH describing one worker (host, concurrency, in flight), expiring with its lease.</summary>
    public string Worker(string workerId) => $"{WorkerPrefix}{workerId}";

    public string WorkerPrefix => $"{Tag}:worker:";

    /// <summary>STRING present while consumption is paused for every worker (its value says who paused, and when).</summary>
    public string Paused => $"{Tag}:paused";

    /// <summary>Pub/sub channel on which a pause or resume is announced, so idle workers learn of it without polling.</summary>
    public string Control => $"{Tag}:control";

    /// <summary>HASH with one task's history: attempts, status, worker, timings, last error, result summary.</summary>
    public string Task(string taskId) => $"{TaskPrefix}{taskId}";

    public string TaskPrefix => $"{Tag}:task:";

    /// <summary>
    /// LIST of one task's timeline (JSON <see cref="TaskEvent"/>s), oldest first, trimmed to the last
    /// <see cref="TaskJournal.MaxEvents"/>. Only a task whose life was more than one start and one outcome has one
    /// (a retry, an operator's action, an upload through the admin); the rest read theirs off the record.
    /// </summary>
    public string TaskEvents(string taskId) => $"{Task(taskId)}{EventsSuffix}";

    public const string EventsSuffix = ":events";

    /// <summary>
    /// ZSET of every task with a history, by its last activity (Unix ms): the admin's list of recent tasks, and the
    /// order in which retention trims them.
    /// </summary>
    public string RecentTasks => $"{Tag}:tasks:recent";

    /// <summary>ZSET searched by lexical range: file name and metadata entries (<see cref="SearchEntries"/>), each ending in the task id.</summary>
    public string TaskIndex => $"{Tag}:tasks:index";

    /// <summary>
    /// HASH of the most recent results' details (<see cref="TaskQueue.ResultDetails"/>) in a ring of slots: slot →
    /// "{task id}\n{details JSON}". A newer task takes over the oldest slot, so it holds at most
    /// <see cref="RetentionOptions.DetailsMaxTasks"/> entries, whatever the traffic.
    /// </summary>
    public string ResultDetails => $"{Tag}:tasks:details";

    /// <summary>STRING counting the details written: the next slot of <see cref="ResultDetails"/>.</summary>
    public string ResultDetailsNext => $"{Tag}:tasks:details:next";

    /// <summary>STRING held for a few seconds by whichever worker or admin is trimming history, so they take turns.</summary>
    public string Trimming => $"{Tag}:tasks:trimming";

    /// <summary>HASH of counters (processed, failed, dead) for one minute since the Unix epoch; kept 25 hours.</summary>
    public string Stats(long unixMinute) => $"{Tag}:stats:{unixMinute}";
}
