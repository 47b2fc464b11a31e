using System.Net;
using PdfAspire.Tests.Infrastructure;

namespace PdfAspire.Tests.Security;

/// <summary>
/// What an outside probe did to the admin's sign-in, sent again to the real admin over HTTP: the lockout holds per
/// account and under concurrency, a made-up forwarded address changes nothing, sign-out needs the form's token and
/// ends the session for every copy of the cookie, and every response carries the hardening headers.
/// </summary>
[Collection(SystemUnderTest.Name)]
public sealed class AdminHardeningTests(AppHostFixture system) : IAsyncLifetime
{
    private const string Address = "127.0.0.1";
    private const int LockoutAttempts = 5;

    [Fact]
    public async Task SigningInAsTheViewer_DoesNotResetTheOperatorsFailures()
    {
        using var admin = new AdminHttp(system);
        var outcomes = new List<string>();

        for (var round = 0; round < 3; round++)
        {
            for (var guess = 0; guess < 4; guess++)
            {
                using var wrong = await admin.SignInAsync("operator", $"guess-{round}-{guess}");
                outcomes.Add(AdminHttp.Outcome(wrong));
            }
            using var viewer = await admin.SignInAsync("viewer", AppHostFixture.ViewerPassword);
            Assert.Equal("signed-in", AdminHttp.Outcome(viewer));
        }
        using var right = await admin.SignInAsync("operator", AppHostFixture.OperatorPassword);

        Assert.Equal(LockoutAttempts, outcomes.Count(o => o == "invalid"));
        Assert.All(outcomes.Skip(LockoutAttempts), o => Assert.Equal("locked", o));
        Assert.Equal("locked", AdminHttp.Outcome(right));
    }

    [Fact]
    public async Task ConcurrentWrongSignIns_AreCheckedNoMoreThanTheLockoutAllows()
    {
        using var admin = new AdminHttp(system);
        var token = await admin.TokenAsync("/account/login");

        var responses = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => admin.SignInAsync("operator", $"parallel-{i}", token: token)));
        var outcomes = responses.Select(AdminHttp.Outcome).ToList();

        Assert.Equal(LockoutAttempts, outcomes.Count(o => o == "invalid"));
        Assert.Equal(40 - LockoutAttempts, outcomes.Count(o => o == "locked"));
        Array.ForEach(responses, r => r.Dispose());
    }

    [Fact]
    public async Task AMadeUpForwardedAddress_DoesNotDodgeTheLockout()
    {
        using var admin = new AdminHttp(system);
        var outcomes = new List<string>();

        for (var i = 0; i < LockoutAttempts + 1; i++)
        {
            using var response = await admin.SignInAsync("operator", $"forwarded-{i}",
                headers: new Dictionary<string, string> { ["X-Forwarded-For"] = $"203.0.113.{i + 1}", ["X-Forwarded-Proto"] = "https" });
            outcomes.Add(AdminHttp.Outcome(response));
        }

        Assert.Equal("locked", outcomes[^1]);
    }

    [Fact]
    public async Task SignOut_NeedsTheFormsToken_AndEndsTheSessionForEveryCopyOfTheCookie()
    {
        using var admin = new AdminHttp(system);
        using var signedIn = await admin.SignInAsync("viewer", AppHostFixture.ViewerPassword);
        Assert.Equal("signed-in", AdminHttp.Outcome(signedIn));
        var copy = new CookieContainer();
        copy.Add(admin.Cookies.GetAllCookies());
        var token = await admin.TokenAsync("/");

        using var withoutToken = await admin.PostAsync("/account/logout", []);
        using var stillIn = await admin.GetAsync("/");
        using var signedOut = await admin.PostAsync("/account/logout", new() { ["__RequestVerificationToken"] = token });
        using var replay = new AdminHttp(system, copy);
        using var afterSignOut = await replay.GetAsync("/");

        Assert.Equal(HttpStatusCode.BadRequest, withoutToken.StatusCode);
        Assert.Equal(HttpStatusCode.OK, stillIn.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, afterSignOut.StatusCode);
        Assert.Contains("/account/login", afterSignOut.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/\t/evil.example")]
    [InlineData("/tasks\r\nSet-Cookie: x=y")]
    [InlineData("//evil.example")]
    [InlineData("https://evil.example/")]
    public async Task ReturnUrl_ThatIsNotAPlainLocalPath_LandsOnTheStartPage(string returnUrl)
    {
        using var admin = new AdminHttp(system);

        using var response = await admin.SignInAsync("viewer", AppHostFixture.ViewerPassword, returnUrl);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location!.OriginalString);
    }

    [Theory]
    [InlineData("/account/login")]
    [InlineData("/")]
    public async Task EveryResponse_CarriesTheHardeningHeaders(string path)
    {
        using var admin = new AdminHttp(system);
        using var signedIn = await admin.SignInAsync("viewer", AppHostFixture.ViewerPassword);

        using var response = await admin.GetAsync(path);
        var policy = string.Join(' ', response.Headers.GetValues("Content-Security-Policy"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Contains("default-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("script-src 'self' 'unsafe-inline'", policy, StringComparison.Ordinal);
    }

    public ValueTask InitializeAsync() => ClearAttemptsAsync();

    /// <summary>Every test here signs in from loopback; the counts it leaves would lock the next test (and the browser tests) out.</summary>
    public async ValueTask DisposeAsync() => await ClearAttemptsAsync();

    private async ValueTask ClearAttemptsAsync()
    {
        foreach (var account in new[] { "operator", "viewer", "unknown" })
        {
            await system.Redis.KeyDeleteAsync(system.Pipeline.Lanes.AdminKeys.SignInAttempts(account, Address));
            await system.Redis.KeyDeleteAsync(system.Pipeline.Lanes.AdminKeys.AccountSignInAttempts(account));
        }
    }
}
