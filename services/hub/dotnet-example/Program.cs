// Watches a product's stock and, with a customer's credentials, that customer's orders, on the shop's hub.
// Usage: dotnet run -- <productId> [baseUrl] [email password]
using System.Net.Http.Json;
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
    Console.WriteLine($"{levels.At:O} {levels.ProductId}: available {levels.Available} (on hand {levels.OnHand}, reserved {levels.Reserved})"));

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
    var tokens = await login.Content.ReadFromJsonAsync<Tokens>() ?? throw new InvalidOperationException("no tokens");

    // The orders hub needs the customer's access token; the client sends it as ?access_token= on WebSockets.
    orders = new HubConnectionBuilder()
        .WithUrl($"{baseUrl}/hubs/orders", options => options.AccessTokenProvider = () => Task.FromResult<string?>(tokens.AccessToken))
        .WithAutomaticReconnect()
        .Build();
    orders.On<OrderStatus>("OrderStatusChanged", change =>
        Console.WriteLine($"{change.At:O} order {change.OrderId}: {change.Status}{(change.FailureReason is null ? "" : $" ({change.FailureReason})")}"));
    await orders.StartAsync();
    Console.WriteLine($"watching the orders of {args[2]} on {baseUrl}/hubs/orders");
}

Console.WriteLine("press Enter to stop");
Console.ReadLine();
await inventory.InvokeAsync("UnsubscribeProduct", productId);
await inventory.DisposeAsync();
if (orders is not null) await orders.DisposeAsync();
return 0;

record StockLevels(string ProductId, int OnHand, int Reserved, int Available, DateTimeOffset At, long? Version);
record OrderStatus(string OrderId, string Status, DateTimeOffset At, string? FailureReason);
record Tokens(string AccessToken, string RefreshToken, string TokenType, int ExpiresIn);
