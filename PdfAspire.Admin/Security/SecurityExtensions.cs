using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using PdfAspire.TaskQueue;
using StackExchange.Redis;

namespace PdfAspire.Admin.Security;

public static class SecurityExtensions
{
    public static void AddAdminSecurity(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<AdminOptions>().BindConfiguration("").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<SignInService>();
        builder.Services.AddSingleton<KnownDevices>();
        builder.Services.AddSingleton<AdminSessions>();
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(cookie =>
            {
                cookie.LoginPath = AccountEndpoints.SignInPath;
                cookie.AccessDeniedPath = AccountEndpoints.SignInPath;
                cookie.Cookie.Name = "pdfaspire-admin";
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Strict;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                cookie.ExpireTimeSpan = AdminSessions.Lifetime;
                cookie.SlidingExpiration = true;
                cookie.Events.OnValidatePrincipal = SessionRevalidation.ValidateCookieAsync;
            });
        builder.Services.AddAuthorization();
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddScoped<AuthenticationStateProvider, SessionRevalidation>();

        // Cookie and antiforgery keys in Redis: every admin replica accepts the others' cookies, and a restart keeps them.
        builder.Services.AddDataProtection().SetApplicationName("pdfaspire-admin");
        builder.Services.AddOptions<KeyManagementOptions>()
            .Configure<IConnectionMultiplexer, AdminKeys>((keyManagement, redis, keys) =>
                keyManagement.XmlRepository = new RedisXmlRepository(() => redis.GetDatabase(), keys.AdminDataProtectionKeys));
    }
}
