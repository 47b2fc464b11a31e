namespace PdfAspire.TaskQueue;

/// <summary>
/// Every Redis key PdfAspire uses, derived from the queue name. The pending list holds only task JSON, because its
/// length is the backlog KEDA scales on.
/// </summary>
public sealed record QueueKeys(string Pending)
{
    /// <summary>Tasks a worker has taken and not yet finished (reliable-queue pattern, one list per worker).</summary>
    public string Processing(string workerId) => $"{ProcessingPrefix}{workerId}";

    public string ProcessingPrefix => $"{Pending}:processing:";

    /// <summary>ZSET of tasks waiting for a retry (the task JSON), scored by due time in Unix milliseconds.</summary>
    public string Delayed => $"{Pending}:delayed";

    /// <summary>HASH of dead letters by task id: tasks that will not be retried without an operator.</summary>
    public string Dead => $"{Pending}:dead";

    /// <summary>ZSET of live workers, scored by when their lease expires (Unix milliseconds).</summary>
    public string Workers => $"{Pending}:workers";

    /// <summary>HASH describing one worker (host, concurrency, in flight), expiring with its lease.</summary>
    public string Worker(string workerId) => $"{WorkerPrefix}{workerId}";

    public string WorkerPrefix => $"{Pending}:worker:";

    /// <summary>STRING present while consumption is paused for every worker (its value says who paused, and when).</summary>
    public string Paused => $"{Pending}:paused";

    /// <summary>Pub/sub channel on which a pause or resume is announced, so idle workers learn of it without polling.</summary>
    public string Control => $"{Pending}:control";

    /// <summary>HASH with one task's history: attempts, status, worker, timings, last error, result summary.</summary>
    public string Task(string taskId) => $"{TaskPrefix}{taskId}";

    public string TaskPrefix => $"{Pending}:task:";

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
    public string RecentTasks => $"{Pending}:tasks:recent";

    /// <summary>ZSET searched by lexical range: file name and metadata entries (<see cref="SearchEntries"/>), each ending in the task id.</summary>
    public string TaskIndex => $"{Pending}:tasks:index";

    /// <summary>
    /// HASH of the most recent results' details (<see cref="TaskQueue.ResultDetails"/>) in a ring of slots: slot →
    /// "{task id}\n{details JSON}". A newer task takes over the oldest slot, so it holds at most
    /// <see cref="RetentionOptions.DetailsMaxTasks"/> entries, whatever the traffic.
    /// </summary>
    public string ResultDetails => $"{Pending}:tasks:details";

    /// <summary>STRING counting the details written: the next slot of <see cref="ResultDetails"/>.</summary>
    public string ResultDetailsNext => $"{Pending}:tasks:details:next";

    /// <summary>STRING held for a few seconds by whichever worker or admin is trimming history, so they take turns.</summary>
    public string Trimming => $"{Pending}:tasks:trimming";

    /// <summary>HASH of counters (processed, failed, dead) for one minute since the Unix epoch; kept 25 hours.</summary>
    public string Stats(long unixMinute) => $"{Pending}:stats:{unixMinute}";

    /// <summary>STRING counting sign-in attempts at one admin account from one address; expires with the lockout.</summary>
    public string SignInAttempts(string account, string address) => $"{Pending}:admin:signin-failures:{account}:{address}";

    /// <summary>STRING present while one admin sign-in is valid: signing out deletes it, so the cookie dies with it.</summary>
    public string AdminSession(string sessionId) => $"{Pending}:admin:session:{sessionId}";

    /// <summary>LIST of the admin's data-protection (cookie and antiforgery) keys, shared by its replicas.</summary>
    public string AdminDataProtectionKeys => $"{Pending}:admin:data-protection-keys";
}
