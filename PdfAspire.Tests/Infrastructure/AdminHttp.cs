using System.Net;
using System.Text.RegularExpressions;

namespace PdfAspire.Tests.Infrastructure;

/// <summary>
/// The admin over plain HTTP, as a script or a probe would use it: its own cookie jar, the antiforgery token read from
/// the page that carries it, and redirects left unfollowed so each answer can be read.
/// </summary>
public sealed partial class AdminHttp : IDisposable
{
    private readonly HttpClient _http;

    public AdminHttp(AppHostFixture system, CookieContainer? cookies = null)
        : this(system.Endpoint("pdf-admin", "http"), from: null, cookies)
    {
    }

    /// <param name="admin">The admin's address.</param>
    /// <param name="from">
    /// A loopback address of 127.0.0.0/8 to connect from, so the admin sees a client of that address (the whole range
    /// is this machine's own); null for the system's choice. Only for an admin listening on 127.0.0.1.
    /// </param>
    /// <param name="cookies">A cookie jar to share with another client (the same browser); a new one when null.</param>
    public AdminHttp(Uri admin, IPAddress? from, CookieContainer? cookies = null)
    {
        Cookies = cookies ?? new CookieContainer();
        var handler = new SocketsHttpHandler { CookieContainer = Cookies, AllowAutoRedirect = false };
        if (from is not null)
        {
            handler.ConnectCallback = async (context, ct) =>
            {
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
                try
                {
                    socket.Bind(new IPEndPoint(from, 0));
                    await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, context.DnsEndPoint.Port), ct);
                    return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
        }
        _http = new HttpClient(handler) { BaseAddress = admin };
    }

    public CookieContainer Cookies { get; }

    public Task<HttpResponseMessage> GetAsync(string path) => _http.GetAsync(path, TestContext.Current.CancellationToken);

    /// <summary>The antiforgery token of the form on <paramref name="path"/> (the sign-in page, or the layout's sign-out form).</summary>
    public async Task<string> TokenAsync(string path)
    {
        using var page = await GetAsync(path);
        var html = await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var token = AntiforgeryField().Match(html);
        Assert.True(token.Success, $"{path} ({(int)page.StatusCode}) has no antiforgery token");
        return WebUtility.HtmlDecode(token.Groups["value"].Value);
    }

    public async Task<HttpResponseMessage> SignInAsync(string user, string password, string returnUrl = "/", string? token = null,
        IReadOnlyDictionary<string, string>? headers = null)
    {
        token ??= await TokenAsync("/account/login");
        return await PostAsync("/account/login", new() { ["user"] = user, ["password"] = password, ["returnUrl"] = returnUrl, ["__RequestVerificationToken"] = token }, headers);
    }

    public async Task<HttpResponseMessage> PostAsync(string path, Dictionary<string, string> form, IReadOnlyDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        return await _http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>Where a sign-in went: "signed-in", or the error code the sign-in page shows ("invalid", "locked").</summary>
    public static string Outcome(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.OriginalString;
        return ErrorCode().Match(location) is { Success: true } error ? error.Groups["code"].Value : "signed-in";
    }

    public void Dispose() => _http.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"(?<value>[^\"]+)\"|value=\"(?<value>[^\"]+)\" name=\"__RequestVerificationToken\"|name=\"__RequestVerificationToken\" value=\"(?<value>[^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    [GeneratedRegex(@"[?&]error=(?<code>[a-z]+)")]
    private static partial Regex ErrorCode();
}
