/**
 * The Azure SignalR connection string clients of the REST API configure (the Azure SDK, Dapr's binding). The port
 * stays inside Endpoint: Dapr ignores a separate `Port=`.
 */
export function connectionString(endpoint: string, accessKey: string): string {
  return `Endpoint=${endpoint.replace(/\/$/, '')};AccessKey=${accessKey};Version=1.0;`;
}

/** The connection string with its key hidden, for logs of a production process. */
export function redactedConnectionString(endpoint: string): string {
  return connectionString(endpoint, '<HUB_ACCESS_KEY>');
}
