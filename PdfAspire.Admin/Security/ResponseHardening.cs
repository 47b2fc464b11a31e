using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace PdfAspire.Admin.Security;

public static class ResponseHardening
{
    /// <summary>
    /// Blazor Server and MudBlazor need only this origin: their scripts and styles are files (MudBlazor also sets
    /// inline styles, and Blazor's import map is an inline script with a fixed hash), the circuit is a same-origin
    /// WebSocket, images are files or data: URLs.
    /// </summary>
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";

    /// <summary>
    /// Believes X-Forwarded-For/-Proto only from the proxies in ADMIN_TRUSTED_PROXIES (the Ingress), so the lockout sees
    /// the client's address and the cookie is marked Secure behind TLS termination; with none configured, from nobody.
    /// </summary>
    public static void UseTrustedProxies(this WebApplication app, AdminOptions options)
    {
        if (options.TrustedProxyList.Count == 0)
        {
            return;
        }
        var forwarded = new ForwardedHeadersOptions
        {
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto,
            ForwardLimit = 1,
        };
        forwarded.KnownIPNetworks.Clear();
        forwarded.KnownProxies.Clear();
        foreach (var entry in options.TrustedProxyList)
        {
            if (System.Net.IPNetwork.TryParse(entry, out var network))
            {
                forwarded.KnownIPNetworks.Add(network);
            }
            else
            {
                forwarded.KnownProxies.Add(IPAddress.Parse(entry));
            }
        }
        app.UseForwardedHeaders(forwarded);
    }

    /// <summary>Headers every response carries: no MIME sniffing, no framing, no referrer, and the policy above.</summary>
    public static void UseSecurityHeaders(this WebApplication app) => app.Use(async (context, next) =>
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        await next();
    });
}
