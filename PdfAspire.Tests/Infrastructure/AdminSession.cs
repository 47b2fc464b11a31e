using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace PdfAspire.Tests.Infrastructure;

/// <summary>A Chromium page on the admin UI, signed in through its real sign-in form.</summary>
public sealed class AdminSession : IAsyncDisposable
{
    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private AdminSession(IPlaywright playwright, IBrowser browser, IPage page, Uri baseAddress)
    {
        _playwright = playwright;
        _browser = browser;
        Page = page;
        BaseAddress = baseAddress;
    }

    public IPage Page { get; }

    public Uri BaseAddress { get; }

    /// <param name="system">The running system whose admin to open.</param>
    /// <param name="timeZone">The browser's time zone (IANA id), as a reader elsewhere would have it.</param>
    public static async Task<AdminSession> OpenAsync(AppHostFixture system, string? timeZone = null)
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 900 }, TimezoneId = timeZone });
        page.SetDefaultTimeout(Browser.ExpectTimeoutMs);
        return new AdminSession(playwright, browser, page, system.Endpoint("pdf-admin", "http"));
    }

    public async Task<AdminSession> SignInAsync(string user = "operator", string? password = null)
    {
        await GotoAsync("/account/login");
        await SubmitSignInAsync(user, password ?? (user == "viewer" ? AppHostFixture.ViewerPassword : AppHostFixture.OperatorPassword));
        await Expect(Page.GetByTestId("signed-in-as")).ToContainTextAsync(user);
        await Page.GetByTestId("interactive").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        return this;
    }

    public async Task SubmitSignInAsync(string user, string password)
    {
        await Page.Locator("#user").SelectOptionAsync(user);
        await Page.Locator("#password").FillAsync(password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    /// <summary>Opens <paramref name="path"/> and, on an interactive page, waits until its circuit is live.</summary>
    public async Task GotoAsync(string path)
    {
        await Page.GotoAsync(new Uri(BaseAddress, path).ToString());
        if (new Uri(Page.Url).AbsolutePath != "/account/login")
        {
            await Page.GetByTestId("interactive").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        }
    }

    public Task<string> ScreenshotAsync(string name) => Browser.ScreenshotAsync(Page, name);

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
