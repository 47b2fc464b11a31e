namespace PdfAspire.TaskQueue;

/// <summary>
/// Every Redis key PdfAspire uses, derived from the queue name. The pending list holds only task JSON, because its
/// length is the backlog KEDA scales on.
/// </summary>
public sealed record QueueKeys(string Pending)
{
    /// <summary>Tasks a worker has taken and not yet finished (reliable-queue pattern, one list per worker).</summary>
    public string Processing(string workerId) => $"{Pending}:processing:{workerId}";

    /// <summary>ZSET of tasks waiting for a retry, scored by due time in Unix milliseconds.</summary>
    public string Delayed => $"{Pending}:delayed";

    /// <summary>HASH of dead letters by task id: tasks that will not be retried without an operator.</summary>
    public string Dead => $"{Pending}:dead";
}
