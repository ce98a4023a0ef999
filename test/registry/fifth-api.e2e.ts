import { describe, expect, it } from 'vitest';
import { checkExposure, serverSideCredentials } from '../../gateway/access.ts';
import { startGateway } from '../../gateway/server.ts';
import { composeSupergraph } from '../../stack/compose.ts';
import { startStack } from '../../stack/index.ts';
import { parts } from '../../stack/parts/index.ts';
import type { Emulator } from '../../emulators/shared/emulator.ts';
import { useStack } from '../helpers/use-stack.ts';
import { receivedHeaders, weatherPart } from '../fixtures/weather/part.ts';
import { maskSecret } from '../../emulators/shared/emulator.ts';

// The one line that adds an API (in the product it goes in stack/parts/index.ts).
const registry = [...parts, weatherPart];

const FORECAST = /* GraphQL */ `
  query ($city: String!) {
    weatherForecast(city: $city) {
      city
      highC
    }
  }
`;

/** A caller sending every API's credential header at once. */
const EVERY_CREDENTIAL = {
  'x-weather-key': 'caller-weather-key',
  'x-solmate-authorization': 'Basic dGVuYW50OnNlY3JldA==',
  'x-solsub-api-key': 'tenant-solsub-key',
  'x-smm-key-sosyal': 'tenant-smm-key',
  'x-likenama-token': 'tenant-likenama-token',
};

describe('a fifth API added by one registry line (test/fixtures/weather)', () => {
  const h = useStack(registry);
  // the stack keys a part outside the registry's names by its own name
  const weatherEmulator = () => (h.stack.emulators as Record<string, Emulator | undefined>).weather!;

  it('is composed into the supergraph and the API schema apps see', () => {
    const { supergraph, apiSchema } = composeSupergraph(registry);
    expect(supergraph).toMatch(
      /WEATHER @join__graph\(name: "weather", url: "http:\/\/127\.0\.0\.1:4005\/graphql"\)/,
    );
    expect(apiSchema).toContain('weatherForecast(city: String!): WeatherForecast!');
  });

  it('answers through the gateway, beside the four others', async () => {
    const r = await h.send<{ weatherForecast: { city: string; highC: number } }>(FORECAST, {
      city: 'Tabriz',
    });
    expect(r.errors).toBeUndefined();
    expect(r.data?.weatherForecast).toEqual({ city: 'Tabriz', highC: 16 });
    const call = weatherEmulator().calls().at(-1)!;
    expect(call.headers['x-api-key']).toBe(maskSecret('demo-weather-key'));
  });

  it('receives its own credential header from the caller, and no other API’s', async () => {
    receivedHeaders.length = 0;
    const r = await h.send(FORECAST, { city: 'Rasht' }, EVERY_CREDENTIAL);
    expect(r.errors).toBeUndefined();
    expect(receivedHeaders).toHaveLength(1);
    const got = receivedHeaders[0]!;
    expect(got['x-weather-key']).toBe('caller-weather-key');
    for (const other of Object.keys(EVERY_CREDENTIAL).filter((k) => k !== 'x-weather-key')) {
      expect(got[other], other).toBeUndefined();
    }
    // and the caller's key, not the server-side default, reached the upstream
    expect(weatherEmulator().calls().at(-1)!.headers['x-api-key']).toBe(maskSecret('caller-weather-key'));
  });

  it('refuses an exposed open gateway when its server-side key is set', async () => {
    expect(serverSideCredentials({ WEATHER_API_KEY: 'k' }, registry)).toEqual(['WEATHER_API_KEY']);
    expect(() =>
      checkExposure(
        '0.0.0.0',
        { keys: [], allowUnauthenticated: false },
        serverSideCredentials({ WEATHER_API_KEY: 'k' }, registry),
      ),
    ).toThrow(/WEATHER_API_KEY/);
    // the stack asks the registry it is given, before any emulator adds demo credentials
    await expect(
      startStack({
        parts: [weatherPart],
        forceEmulators: true,
        env: { HOST: '0.0.0.0', WEATHER_API_KEY: 'k' },
      }),
    ).rejects.toThrow(/Refusing to start.*WEATHER_API_KEY/);
  });

  it('stops the gateway at start when the supergraph names an API the registry lacks', async () => {
    await expect(
      startGateway({
        supergraphSdl: composeSupergraph(registry).supergraph,
        secret: 'a-secret-for-this-test-only',
        port: 0,
        apis: parts,
        env: {},
      }),
    ).rejects.toThrow(/"weather" is not in the API registry/);
  });
});
