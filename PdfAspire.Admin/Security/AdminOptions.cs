using System.ComponentModel.DataAnnotations;

namespace PdfAspire.Admin.Security;

/// <summary>Who may sign in, and the admin's limits. Bound from the root of configuration, like the worker's settings.</summary>
public sealed class AdminOptions : IValidatableObject
{
    /// <summary>The operator's password (full access). From the AppHost's secret parameter or the Kubernetes Secret.</summary>
    [ConfigurationKeyName("ADMIN_OPERATOR_PASSWORD")]
    [Required(ErrorMessage = "ADMIN_OPERATOR_PASSWORD is required: the password of the 'operator' account.")]
    [MinLength(12, ErrorMessage = "ADMIN_OPERATOR_PASSWORD must be at least 12 characters.")]
    public string OperatorPassword { get; set; } = "";

    /// <summary>The read-only account's password; when empty, the 'viewer' account is disabled.</summary>
    [ConfigurationKeyName("ADMIN_VIEWER_PASSWORD")]
    public string? ViewerPassword { get; set; }

    /// <summary>Failed sign-ins from one address before it is locked out.</summary>
    [ConfigurationKeyName("ADMIN_LOCKOUT_ATTEMPTS")]
    [Range(1, 1000, ErrorMessage = "ADMIN_LOCKOUT_ATTEMPTS must be between 1 and 1000 (default 5).")]
    public int LockoutAttempts { get; set; } = 5;

    /// <summary>How long a locked-out sign-in stays locked.</summary>
    [ConfigurationKeyName("ADMIN_LOCKOUT_MINUTES")]
    [Range(1, 1440, ErrorMessage = "ADMIN_LOCKOUT_MINUTES must be between 1 and 1440 (default 15).")]
    public int LockoutMinutes { get; set; } = 15;

    /// <summary>
    /// Failed sign-ins at one account, from every address together, before its backoff begins: the lockout per address
    /// alone let a client with many addresses (an IPv6 one has millions) guess on. Browsers that have signed in to the
    /// account before (a device cookie) neither count nor wait, so an attacker can't lock the operators out.
    /// </summary>
    [ConfigurationKeyName("ADMIN_ACCOUNT_LOCKOUT_ATTEMPTS")]
    [Range(1, 100_000, ErrorMessage = "ADMIN_ACCOUNT_LOCKOUT_ATTEMPTS must be between 1 and 100000 (default 20).")]
    public int AccountLockoutAttempts { get; set; } = 20;

    /// <summary>
    /// Past the account's budget, the wait before its next sign-in from a browser it does not know; it doubles with
    /// each further failure, up to ADMIN_LOCKOUT_MINUTES.
    /// </summary>
    [ConfigurationKeyName("ADMIN_ACCOUNT_BACKOFF_SECONDS")]
    [Range(1, 3600, ErrorMessage = "ADMIN_ACCOUNT_BACKOFF_SECONDS must be between 1 and 3600 (default 15).")]
    public int AccountBackoffSeconds { get; set; } = 15;

    /// <summary>
    /// Proxies whose X-Forwarded-For and X-Forwarded-Proto are believed (comma-separated addresses or CIDR ranges),
    /// such as the Ingress controller's pods. Empty: none, and the client address is the connection's own, so nobody
    /// can dodge the sign-in lockout by sending a forwarded-for header.
    /// </summary>
    [ConfigurationKeyName("ADMIN_TRUSTED_PROXIES")]
    public string TrustedProxies { get; set; } = "";

    public IReadOnlyList<string> TrustedProxyList =>
        TrustedProxies.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Largest upload accepted; the worker's MAX_DOCUMENT_BYTES should be at least this.</summary>
    [ConfigurationKeyName("MAX_DOCUMENT_BYTES")]
    [Range(1024, 2L << 30, ErrorMessage = "MAX_DOCUMENT_BYTES must be between 1 KiB and 2 GiB (default 100 MiB).")]
    public long MaxUploadBytes { get; set; } = 100L << 20;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        TrustedProxyList.Where(p => !System.Net.IPNetwork.TryParse(p, out _) && !System.Net.IPAddress.TryParse(p, out _))
            .Select(p => new ValidationResult($"ADMIN_TRUSTED_PROXIES must list IP addresses or CIDR ranges separated by commas; '{p}' is neither."));
}
