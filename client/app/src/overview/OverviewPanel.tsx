import { useState, type FormEvent, type ReactNode } from 'react';
import { useDashboardQuery } from '../../../__generated__/hooks.ts';
import { ErrorNotice, problemsOf, type Problem } from '../errors.tsx';
import { useTrackedIds } from '../tracked.ts';
import { Badge } from '../ui.tsx';

const TOKEN_KEY = 'dashboard.likenama.token';
const SMM_PROVIDER = 'sosyal';

/**
 * All four APIs in one request (client/operations/dashboard.graphql, the README's dashboard).
 * Each root field may come back null with its own error: every section shows what arrived
 * and, beside it, only the errors at its own path, so one upstream in trouble (SolSub rate
 * limiting a Match ID, a missing Likenama token) never hides the others.
 */
export function OverviewPanel() {
  const [smmIds] = useTrackedIds(`dashboard.smm.${SMM_PROVIDER}.orders`);
  const [adIds] = useTrackedIds('dashboard.solmate.orders');
  const [matchIds, setMatchIds] = useTrackedIds('dashboard.solsub.matchIds');
  const [draft, setDraft] = useState('');
  const token = sessionStorage.getItem(TOKEN_KEY) ?? '';
  const dashboard = useDashboardQuery({
    variables: { smmProvider: SMM_PROVIDER, smmOrderIds: smmIds, adOrderIds: adIds, matchIds },
    errorPolicy: 'all',
    fetchPolicy: 'network-only',
    context: { headers: token ? { 'x-likenama-token': token } : {} },
  });
  const data = dashboard.data;
  const problems = problemsOf(dashboard.error);
  const at = (root: string) => problems.filter((p) => rootOf(p) === root);
  const unplaced = problems.filter((p) => !rootOf(p));

  const addMatchIds = (e: FormEvent) => {
    e.preventDefault();
    const given = draft.split(/[\s,]+/).filter(Boolean);
    setMatchIds([...matchIds, ...given.filter((id, i) => !matchIds.includes(id) && given.indexOf(id) === i)]);
    setDraft('');
  };

  return (
    <div className="panel" data-testid="overview-panel">
      {dashboard.loading && !data && <p className="muted">Loading…</p>}
      <ErrorNotice problems={unplaced} />
      <Section id="smmProviders" title="SMM balances" problems={at('smmProviders')}>
        {data?.smmProviders?.map((p) => (
          <p key={p.id} data-testid={`overview-balance-${p.id}`}>
            {p.name ?? p.id}: {p.balance ? `${p.balance.amount} ${p.balance.currency}` : 'unavailable'}
          </p>
        ))}
      </Section>
      <Section id="smmOrders" title={`SMM orders (${SMM_PROVIDER})`} problems={at('smmOrders')}>
        {smmIds.length === 0 && <p className="muted">No tracked orders (SMM tab).</p>}
        {data?.smmOrders?.map(
          (o, i) =>
            o && (
              <p key={i} data-testid={`overview-smm-order-${o.id}`}>
                <code>{o.id}</code> {o.status ?? '—'}{' '}
                {o.charge != null ? `${o.charge} ${o.currency ?? ''}` : ''}
              </p>
            ),
        )}
      </Section>
      <Section id="orders" title="Solmate ad orders" problems={at('orders')}>
        {adIds.length === 0 && <p className="muted">No tracked ad orders (Solmate tab).</p>}
        {data?.orders?.map(
          (o, i) =>
            o && (
              <p key={i} data-testid={`overview-ad-order-${o.id}`}>
                <code>{o.id}</code> {o.title} {o.status ?? ''}
              </p>
            ),
        )}
      </Section>
      <Section id="matchIdStatuses" title="Match IDs" problems={at('matchIdStatuses')}>
        <form className="inline" onSubmit={addMatchIds}>
          <input
            aria-label="Match IDs to follow"
            placeholder="Match IDs, e.g. PAID_001, LIMIT_001"
            data-testid="overview-match-ids"
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
          />
          <button type="submit" data-testid="overview-match-ids-add">
            Follow
          </button>
        </form>
        {data?.matchIdStatuses?.map(
          (s, i) =>
            s && (
              <p key={i} data-testid={`overview-match-id-${s.matchId}`}>
                <code>{s.matchId}</code>{' '}
                <Badge
                  status={s.state}
                  colors={{ PAID_ACTIVE: 'green', TRIAL_ACTIVE: 'teal', EXPIRED: 'gray', NOT_FOUND: 'red' }}
                />
              </p>
            ),
        )}
      </Section>
      <Section id="likenamaViewer" title="Likenama account" problems={at('likenamaViewer')}>
        {data?.likenamaViewer && (
          <p data-testid="overview-likenama">
            @{data.likenamaViewer.username}: {data.likenamaViewer.likeCredit} like credit,{' '}
            {data.likenamaViewer.coinCredit} coin credit
          </p>
        )}
      </Section>
    </div>
  );
}

const rootOf = (p: Problem) => p.path?.split('.')[0];

function Section({
  id,
  title,
  problems,
  children,
}: {
  id: string;
  title: string;
  problems: Problem[];
  children: ReactNode;
}) {
  return (
    <section data-testid={`overview-${id}`}>
      <h2>{title}</h2>
      <ErrorNotice problems={problems} />
      {children}
    </section>
  );
}
