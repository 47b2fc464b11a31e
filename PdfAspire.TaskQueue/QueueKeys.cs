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

    /// <summary>HASH with one task's history: attempts, status, worker, timings, last error, result summary.</summary>
    public string Task(string taskId) => $"{Pending}:task:{taskId}";

    /// <summary>LIST of one task's timeline (JSON <see cref="TaskEvent"/>s), oldest first, trimmed and expiring with the task.</summary>
    public string TaskEvents(string taskId) => $"{Pending}:task:{taskId}:events";

    /// <summary>ZSET of task ids by their last event (Unix ms): the admin's list of recent tasks.</summary>
    public string RecentTasks => $"{Pending}:tasks:recent";

    /// <summary>ZSET searched by lexical range: <c>i:{id}</c> and <c>n:{file name}</c> entries, each ending in the task id.</summary>
    public string TaskIndex => $"{Pending}:tasks:index";

    /// <summary>HASH of counters (processed, failed, dead) for one minute since the Unix epoch; kept 25 hours.</summary>
    public string Stats(long unixMinute) => $"{Pending}:stats:{unixMinute}";

    /// <summary>STRING counting sign-in attempts at one admin account from one address; expires with the lockout.</summary>
    public string SignInAttempts(string account, string address) => $"{Pending}:admin:signin-failures:{account}:{address}";

    /// <summary>STRING present while one admin sign-in is valid: signing out deletes it, so the cookie dies with it.</summary>
    public string AdminSession(string sessionId) => $"{Pending}:admin:session:{sessionId}";

    /// <summary>LIST of the admin's data-protection (cookie and antiforgery) keys, shared by its replicas.</summary>
    public string AdminDataProtectionKeys => $"{Pending}:admin:data-protection-keys";
}
