// Watches a product's stock and, with a customer's credentials, that customer's orders, on the shop's hub.
// Usage: dotnet run -- <productId> [baseUrl] [email password]
using System.Globalization;
using System.Net.Http.Json;
using MessagePack;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

if (args.Length < 1)
{
    Console.Error.WriteLine("usage: dotnet run -- <productId> [baseUrl] [email password]");
    return 2;
}
var productId = args[0];
var baseUrl = args.Length > 1 ? args[1].TrimEnd('/') : "http://localhost:8080";

// The inventory hub is anonymous. MessagePack and stateful reconnect are what the hub's .NET framing tests replay.
var inventory = new HubConnectionBuilder()
    .WithUrl($"{baseUrl}/hubs/inventory", options => options.UseStatefulReconnect = true)
    .AddMessagePackProtocol()
    .WithAutomaticReconnect()
    .Build();

inventory.On<StockLevels>("StockChanged", levels =>
    Console.WriteLine($"{Instant(levels.At):O} {levels.ProductId}: available {levels.Available} (on hand {levels.OnHand}, reserved {levels.Reserved})"));

// A reconnect may have missed changes: subscribing again answers the current stock at once.
inventory.Reconnected += async _ => await inventory.InvokeAsync("SubscribeProduct", productId);

await inventory.StartAsync();
await inventory.InvokeAsync("SubscribeProduct", productId);
Console.WriteLine($"watching the stock of {productId} on {baseUrl}/hubs/inventory");

HubConnection? orders = null;
if (args.Length >= 4)
{
    using var http = new HttpClient();
    var login = await http.PostAsJsonAsync($"{baseUrl}/api/auth/login", new { email = args[2], password = args[3] });
    login.EnsureSuccessStatusCode();
    // System.Text.Json's web defaults (ReadFromJsonAsync) read the API's camelCase names into these PascalCase ones.
    var tokens = await login.Content.ReadFromJsonAsync<Tokens>() ?? throw new InvalidOperationException("no tokens");

    // The orders hub needs the customer's access token; the client sends it as ?access_token= on WebSockets.
    orders = new HubConnectionBuilder()
        .WithUrl($"{baseUrl}/hubs/orders", options => options.AccessTokenProvider = () => Task.FromResult<string?>(tokens.AccessToken))
        .AddMessagePackProtocol()
        .WithAutomaticReconnect()
        .Build();
    orders.On<OrderStatus>("OrderStatusChanged", change =>
        Console.WriteLine($"{Instant(change.At):O} order {change.OrderId}: {change.Status}{(change.FailureReason is null ? "" : $" ({change.FailureReason})")}"));
    await orders.StartAsync();
    Console.WriteLine($"watching the orders of {args[2]} on {baseUrl}/hubs/orders");
}

Console.WriteLine("press Enter to stop");
Console.ReadLine();
await inventory.InvokeAsync("UnsubscribeProduct", productId);
await inventory.DisposeAsync();
if (orders is not null) await orders.DisposeAsync();
return 0;

// The hub sends times as ISO 8601 strings (as in JSON); MessagePack's own DateTimeOffset format is a different
// shape, so the records hold the string and this reads it.
static DateTimeOffset Instant(string at) => DateTimeOffset.Parse(at, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

// The hub writes camelCase map keys, as every JavaScript client expects. MessagePack for C# matches keys exactly,
// so each member names its key; without these attributes PascalCase members would stay unset.
// (services/hub/test/dotnet-example.test.ts checks these declarations against the hub's real MessagePack frames.)
[MessagePackObject]
public record StockLevels(
    [property: Key("productId")] string ProductId,
    [property: Key("onHand")] int OnHand,
    [property: Key("reserved")] int Reserved,
    [property: Key("available")] int Available,
    [property: Key("at")] string At,
    [property: Key("version")] long Version);

[MessagePackObject]
public record OrderStatus(
    [property: Key("orderId")] string OrderId,
    [property: Key("status")] string Status,
    [property: Key("at")] string At,
    [property: Key("failureReason")] string? FailureReason);

public record Tokens(string AccessToken, string RefreshToken, string TokenType, int ExpiresIn);
