namespace PdfAspire.TaskQueue;

/// <summary>
/// The admin's own keys (sign-in counters, sessions, data-protection keys), under the queue's name
/// (<c>REDIS_QUEUE_NAME</c>) whatever lanes there are. Each is used alone, so none needs a lane's hash tag.
/// </summary>
public sealed record AdminKeys(string Prefix)
{
    /// <summary>STRING counting sign-in attempts at one admin account from one address; expires with the lockout.</summary>
    public string SignInAttempts(string account, string address) => $"{Prefix}:admin:signin-failures:{account}:{address}";

    /// <summary>
    /// HASH of one admin account's sign-in failures from browsers it does not know, every address together
    /// (<c>attempts</c>) and the end of its backoff (<c>until</c>, Unix ms); expires with the lockout.
    /// </summary>
    public string AccountSignInAttempts(string account) => $"{Prefix}:admin:signin-account:{account}";

    /// <summary>STRING present while one admin sign-in is valid: signing out deletes it, so the cookie dies with it.</summary>
    public string AdminSession(string sessionId) => $"{Prefix}:admin:session:{sessionId}";

    /// <summary>LIST of the admin's data-protection (cookie and antiforgery) keys, shared by its replicas.</summary>
    public string AdminDataProtectionKeys => $"{Prefix}:admin:data-protection-keys";
}
