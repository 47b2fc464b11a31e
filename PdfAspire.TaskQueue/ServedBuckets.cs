namespace PdfAspire.TaskQueue;

/// <summary>
/// The buckets a worker reads from: the default one (BUCKET_NAME, for tasks that name none) and any others the
/// deployment allows (ALLOWED_BUCKETS). Its storage credentials may reach more, so anything else is refused, on the
/// queue and on ProcessDocument alike.
/// </summary>
public sealed record ServedBuckets(string Default, IReadOnlySet<string> All)
{
    public static ServedBuckets Only(string bucket) => new(bucket, new HashSet<string>(StringComparer.Ordinal) { bucket });

    /// <summary>The bucket a task or request means (the default when it names none), or why it may not have it.</summary>
    public bool TryResolve(string? requested, out string bucket, out string error)
    {
        bucket = string.IsNullOrEmpty(requested) ? Default : requested;
        error = TaskFieldRules.BucketError(bucket)
            ?? (All.Contains(bucket) ? "" : $"bucket '{bucket}' is not one this worker serves (BUCKET_NAME, ALLOWED_BUCKETS)");
        return error.Length == 0;
    }
}
