import { useState } from 'react';
import { useSmmProvidersQuery } from '../../../__generated__/hooks.ts';
import { ErrorNotice } from '../errors.tsx';
import { useTrackedIds } from '../tracked.ts';
import { AddOrderForm } from './AddOrderForm.tsx';
import { OrdersTable } from './OrdersTable.tsx';

/** SMM: every provider's balance, then the chosen provider's orders and a form to add one. */
export function SmmPanel() {
  const providers = useSmmProvidersQuery({ errorPolicy: 'all' });
  const [chosen, setChosen] = useState<string>();
  const list = providers.data?.smmProviders ?? [];
  const provider = chosen ?? list[0]?.id;

  return (
    <div className="panel" data-testid="smm-panel">
      <section>
        <h2>Providers</h2>
        {providers.loading && !providers.data && <p className="muted">Loading providers…</p>}
        <ErrorNotice error={providers.error} />
        <div className="cards">
          {list.map((p) => (
            <button
              key={p.id}
              type="button"
              className={`card ${p.id === provider ? 'card-active' : ''}`}
              data-testid={`provider-${p.id}`}
              onClick={() => setChosen(p.id)}
            >
              <span className="card-title">{p.name ?? p.id}</span>
              {p.balance ? (
                <span className="balance" data-testid={`balance-${p.id}`}>
                  {p.balance.amount} <small>{p.balance.currency}</small>
                </span>
              ) : (
                <span className="balance muted">balance unavailable</span>
              )}
              <code>{p.id}</code>
            </button>
          ))}
        </div>
      </section>
      {provider && (
        <ProviderOrders key={provider} provider={provider} onPlaced={() => void providers.refetch()} />
      )}
    </div>
  );
}

/** One provider's tracked orders and the form to add one (remounted per provider). */
function ProviderOrders({ provider, onPlaced }: { provider: string; onPlaced: () => void }) {
  const [ids, setIds] = useTrackedIds(`dashboard.smm.${provider}.orders`);
  return (
    <>
      <OrdersTable provider={provider} ids={ids} onChange={setIds} />
      <AddOrderForm
        provider={provider}
        onPlaced={(id) => {
          setIds([id, ...ids.filter((x) => x !== id)]);
          onPlaced();
        }}
      />
    </>
  );
}
