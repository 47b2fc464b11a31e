using Bunit;
using Microsoft.AspNetCore.Components;

namespace PdfAspire.Tests.Components;

/// <summary>
/// What a user does on a rendered page: wait for the element to be shown, then find it and act on it on the
/// renderer's thread. The admin's pages re-render whenever one of their Redis reads completes; between finding an
/// element and clicking it (or typing into it) on the test's thread, such a render can replace the element's handler,
/// and the click fails with an unknown event handler (bUnit's own advice: find and act inside InvokeAsync). CI met it
/// in the lane and the dead-letter edit tests.
/// </summary>
public static class PageActions
{
    public static Task ClickAsync<TComponent>(this IRenderedComponent<TComponent> page, string selector) where TComponent : IComponent
    {
        page.WaitForElement(selector);
        return page.InvokeAsync(() => page.Find(selector).Click());
    }

    public static Task InputAsync<TComponent>(this IRenderedComponent<TComponent> page, string selector, string value) where TComponent : IComponent
    {
        page.WaitForElement(selector);
        return page.InvokeAsync(() => page.Find(selector).Input(value));
    }
}
