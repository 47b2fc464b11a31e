using PdfAspire.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace PdfAspire.Tests.Admin;

/// <summary>Every page needs a signed-in user; bad passwords are refused, repeated ones locked out; the viewer changes nothing.</summary>
[Collection(SystemUnderTest.Name)]
public sealed class AdminSecurityTests(AppHostFixture system)
{
    [Theory]
    [InlineData("/")]
    [InlineData("/failures")]
    [InlineData("/tasks")]
    [InlineData("/tasks/some-task")]
    [InlineData("/upload")]
    [InlineData("/controls")]
    public async Task EveryPage_SendsAnAnonymousVisitorToSignIn(string path)
    {
        await using var admin = await AdminSession.OpenAsync(system);

        await admin.GotoAsync(path);

        Assert.Equal("/account/login", new Uri(admin.Page.Url).AbsolutePath);
        await Expect(admin.Page.Locator("#password")).ToBeVisibleAsync();
        if (path == "/")
        {
            await admin.ScreenshotAsync("sign-in");
        }
    }

    [Fact]
    public async Task SignIn_RefusesAWrongPassword_AndTheReadOnlyPasswordForTheOperator()
    {
        await using var admin = await AdminSession.OpenAsync(system);
        await admin.GotoAsync("/account/login");

        await admin.SubmitSignInAsync("operator", "not-the-password");
        await Expect(admin.Page.GetByTestId("sign-in-error")).ToContainTextAsync("wrong");
        await admin.SubmitSignInAsync("operator", AppHostFixture.ViewerPassword);
        await Expect(admin.Page.GetByTestId("sign-in-error")).ToContainTextAsync("wrong");

        Assert.DoesNotContain("not-the-password", admin.Page.Url, StringComparison.Ordinal);
        await admin.GotoAsync("/controls");
        Assert.Equal("/account/login", new Uri(admin.Page.Url).AbsolutePath);
        await admin.SignInAsync();
    }

    [Fact]
    public async Task RepeatedFailures_LockTheAddressOut_EvenForTheRightPassword()
    {
        await using var admin = await AdminSession.OpenAsync(system);
        var failures = system.Pipeline.Lanes.AdminKeys.SignInAttempts("operator", "127.0.0.1");
        try
        {
            await admin.GotoAsync("/account/login");
            for (var i = 0; i < 5; i++)
            {
                await admin.SubmitSignInAsync("operator", $"guess-{i}");
                await Expect(admin.Page.GetByTestId("sign-in-error")).ToBeVisibleAsync();
            }

            await admin.SubmitSignInAsync("operator", AppHostFixture.OperatorPassword);

            await Expect(admin.Page.GetByTestId("sign-in-error")).ToContainTextAsync("Too many failed sign-ins");
        }
        finally
        {
            // The lockout is per account and address, and every test signs in from loopback; the account's own budget
            // would slow down the next tests' browsers, which the admin has not seen before.
            await system.Redis.KeyDeleteAsync(failures);
            await system.Redis.KeyDeleteAsync(system.Pipeline.Lanes.AdminKeys.AccountSignInAttempts("operator"));
        }
    }

    [Fact]
    public async Task Viewer_SeesThePages_ButEveryActionIsDisabled()
    {
        await using var admin = await (await AdminSession.OpenAsync(system)).SignInAsync("viewer");

        await admin.GotoAsync("/controls");
        await Expect(admin.Page.GetByTestId("consumption-state")).ToBeVisibleAsync();
        var toggle = admin.Page.GetByTestId("pause").Or(admin.Page.GetByTestId("resume"));
        await Expect(toggle).ToBeDisabledAsync();
        await Expect(admin.Page.GetByTestId("return-stale")).ToBeDisabledAsync();
        await admin.GotoAsync("/failures");
        await Expect(admin.Page.GetByTestId("retry-shown")).ToBeDisabledAsync();
        await Expect(admin.Page.GetByTestId("purge-shown")).ToBeDisabledAsync();
        await Expect(admin.Page.GetByTestId("signed-in-as")).ToContainTextAsync("read-only");
    }

    /// <summary>The pages work under the admin's Content-Security-Policy: the browser refuses nothing they load or run.</summary>
    [Fact]
    public async Task EveryPage_RunsUnderTheContentSecurityPolicy_WithoutAViolation()
    {
        await using var admin = await AdminSession.OpenAsync(system);
        var refused = new System.Collections.Concurrent.ConcurrentQueue<string>();
        admin.Page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase) || message.Text.Contains("Refused to", StringComparison.Ordinal))
            {
                refused.Enqueue(message.Text);
            }
        };
        await admin.SignInAsync();

        foreach (var path in new[] { "/", "/failures", "/tasks", "/upload", "/controls" })
        {
            await admin.GotoAsync(path);
        }

        Assert.True(refused.IsEmpty, string.Join("\n", refused.Distinct()));
    }
}
