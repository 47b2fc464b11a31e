using System.Globalization;
using System.Net;
using PdfAspire.Testing;
using PdfAspire.Tests.Infrastructure;

namespace PdfAspire.Tests.Security;

/// <summary>
/// The sign-in lockout across addresses, on a real admin and Redis, with clients connecting from different loopback
/// addresses (127.0.0.0/8 is all this machine's). An outside probe locked the viewer out from 127.0.0.1 and signed in
/// from [::1] with five fresh guesses: the lockout counted per account and address only, so a client with many
/// addresses (an IPv6 one has millions) could guess on. Now every address together has a budget per account, then a
/// backoff; a browser that signed in to the account before is never held up by it.
/// </summary>
public sealed class AccountLockoutTests
{
    private const int Budget = 6;

    [Fact]
    public async Task GuessesFromManyAddresses_ExhaustTheAccountsBudget_ButABrowserItKnows_StillSignsIn()
    {
        await using var system = await LocalSystem.StartAsync();
        // The backoff is long enough that no test machine, however busy, outlasts it between two requests.
        await using var admin = await AdminProcess.StartAsync(system, TestWorkers.Configuration, new Dictionary<string, string>
        {
            ["ADMIN_ACCOUNT_LOCKOUT_ATTEMPTS"] = Budget.ToString(CultureInfo.InvariantCulture),
            ["ADMIN_ACCOUNT_BACKOFF_SECONDS"] = "600",
        });
        // The operator's own browser, which has signed in before.
        var operatorsBrowser = new CookieContainer();
        using (var first = new AdminHttp(admin.Address, From(1), operatorsBrowser))
        {
            Assert.Equal("signed-in", AdminHttp.Outcome(await first.SignInAsync("operator", AdminProcess.OperatorPassword)));
        }

        // Two guesses from each of three addresses: under the per-address lockout (5), each is checked.
        var outcomes = new List<string>();
        for (var address = 2; address <= 4; address++)
        {
            using var attacker = new AdminHttp(admin.Address, From(address));
            for (var guess = 0; guess < 2; guess++)
            {
                outcomes.Add(AdminHttp.Outcome(await attacker.SignInAsync("operator", $"guess-{address}-{guess}")));
            }
        }
        using (var oneMore = new AdminHttp(admin.Address, From(5)))
        {
            // Past the budget: still checked, and the account's backoff begins.
            outcomes.Add(AdminHttp.Outcome(await oneMore.SignInAsync("operator", "guess-past-the-budget")));
        }
        using var newBrowser = new AdminHttp(admin.Address, From(6));
        var rightPasswordFromElsewhere = AdminHttp.Outcome(await newBrowser.SignInAsync("operator", AdminProcess.OperatorPassword));
        using var knownBrowser = new AdminHttp(admin.Address, From(1), operatorsBrowser);
        var rightPasswordFromTheKnownBrowser = AdminHttp.Outcome(await knownBrowser.SignInAsync("operator", AdminProcess.OperatorPassword));

        Assert.Equal(Enumerable.Repeat("invalid", Budget + 1), outcomes);
        Assert.Equal("locked", rightPasswordFromElsewhere);
        Assert.Equal("signed-in", rightPasswordFromTheKnownBrowser);
        Assert.Contains("the account's failures from every address together passed its budget", admin.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMadeUpDeviceCookie_EarnsNothing()
    {
        await using var system = await LocalSystem.StartAsync();
        await using var admin = await AdminProcess.StartAsync(system, TestWorkers.Configuration, new Dictionary<string, string>
        {
            ["ADMIN_ACCOUNT_LOCKOUT_ATTEMPTS"] = "1",
            ["ADMIN_ACCOUNT_BACKOFF_SECONDS"] = "600",
        });
        using (var attacker = new AdminHttp(admin.Address, From(2)))
        {
            Assert.Equal("invalid", AdminHttp.Outcome(await attacker.SignInAsync("operator", "guess-1")));
            Assert.Equal("invalid", AdminHttp.Outcome(await attacker.SignInAsync("operator", "guess-2")));
        }

        var forged = new CookieContainer();
        forged.Add(admin.Address, new Cookie("pdfaspire-device-operator", "made-up", "/account/login"));
        using var withForgedCookie = new AdminHttp(admin.Address, From(3), forged);

        Assert.Equal("locked", AdminHttp.Outcome(await withForgedCookie.SignInAsync("operator", AdminProcess.OperatorPassword)));
    }

    private static IPAddress From(int host) => new([127, 0, 0, (byte)host]);
}
