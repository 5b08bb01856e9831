// The certifier's commercetools API emulator: @labdigital/commercetools-mock on 127.0.0.1 only.
// runServer() is never used because it binds every interface. Configuration comes from the environment:
// CT_EMULATOR_PORT (0 = any free port) and CT_EMULATOR_PROJECT_KEY. When listening, one JSON line
// {"listening": <port>, "projectKey": "..."} is written to stdout; the certifier waits for it.
import { CommercetoolsMock } from '@labdigital/commercetools-mock';

const projectKey = process.env.CT_EMULATOR_PROJECT_KEY || 'cert-project';
const port = Number(process.env.CT_EMULATOR_PORT || 0);

const mock = new CommercetoolsMock({
  enableAuthentication: true,
  validateCredentials: true,
  defaultProjectKey: projectKey,
  silent: true,
  strict: false,
});

const address = await mock.app.listen({ port, host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ listening: Number(new URL(address).port), projectKey })}\n`);

const stop = () => {
  mock.app.close().finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
