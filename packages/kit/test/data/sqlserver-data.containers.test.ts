// Runs only through `npm run test:containers` on a machine with a Docker engine: the same data contract
// as on PostgreSQL, against a real SQL Server. Not run on the project's own machines (no Docker there).
import { MSSQLServerContainer } from '@testcontainers/mssqlserver';
import sql from 'mssql';
import { describeDeadLetterStore } from './support/dead-letter-contract';
import { describeKeysetPages } from './support/keyset-contract';
import { type DatabaseServer, describeRelationalData } from './support/relational-contract';

const image = process.env.SQLSERVER_IMAGE ?? 'mcr.microsoft.com/mssql/server:2022-latest';

async function startSqlServer(): Promise<DatabaseServer> {
  const container = await new MSSQLServerContainer(image).acceptLicense().start();
  const credentials = { user: container.getUsername(), password: container.getPassword() };
  const host = container.getHost();
  const port = container.getPort();
  const master = await new sql.ConnectionPool({
    ...credentials,
    server: host,
    port,
    database: 'master',
    options: { encrypt: false, trustServerCertificate: true },
  }).connect();
  return {
    async createDatabase(name) {
      if (!/^\w+$/.test(name)) throw new Error(`unsafe database name ${name}`);
      await master.request().query(`CREATE DATABASE [${name}]`);
      const user = encodeURIComponent(credentials.user);
      const password = encodeURIComponent(credentials.password);
      return `mssql://${user}:${password}@${host}:${port}/${name}?encrypt=false&trustServerCertificate=true`;
    },
    async stop() {
      await master.close();
      await container.stop();
    },
  };
}

describeRelationalData('SQL Server (Testcontainers)', startSqlServer);

// Cursor instants are sent typed by their column (datetime2): a bare Date parameter would lose the page.
describeKeysetPages('SQL Server (Testcontainers)', async () => {
  const server = await startSqlServer();
  return { url: await server.createDatabase('keyset_pages'), stop: () => server.stop() };
});

describeDeadLetterStore('SQL Server (Testcontainers)', async () => {
  const server = await startSqlServer();
  return { url: await server.createDatabase('dead_letters'), stop: () => server.stop() };
});
