import { skipToken } from '@apollo/client/react';
import { useState } from 'react';
import {
  useSmmCancelMutation,
  useSmmOrdersQuery,
  useSmmRefillMutation,
  type SmmActionOutcome,
  type SmmOrderStatus,
} from '../../../__generated__/hooks.ts';
import { ErrorNotice, problemsOf, type Problem } from '../errors.tsx';
import { Badge, TrackForm, type BadgeColor } from '../ui.tsx';

const BADGE: Record<SmmOrderStatus, BadgeColor> = {
  PENDING: 'gray',
  IN_PROGRESS: 'blue',
  PROCESSING: 'blue',
  PARTIAL: 'orange',
  COMPLETED: 'green',
  CANCELED: 'red',
  REFUNDED: 'red',
  ACTIVE: 'teal',
  PAUSED: 'yellow',
  EXPIRED: 'gray',
  UNKNOWN: 'purple',
};

/**
 * One order's outcome of a refill or cancel, as a user should read it: an unknown outcome says
 * to check before asking again, a request never sent says asking again is safe.
 */
function outcomeNote(
  r: { outcome: SmmActionOutcome; code?: string | null; error?: string | null },
  done: string,
): string {
  switch (r.outcome) {
    case 'DONE':
      return done;
    case 'REFUSED':
      return `refused: ${r.error ?? r.code ?? ''}`;
    case 'OUTCOME_UNKNOWN':
      return 'outcome unknown: it may have been applied, check the order before asking again';
    case 'NOT_SENT':
      return 'not sent: nothing happened, safe to ask again';
  }
}

/** The tracked orders of one provider, polled, with refill and cancel per row. */
export function OrdersTable({
  provider,
  ids,
  onChange,
}: {
  provider: string;
  ids: string[];
  onChange: (ids: string[]) => void;
}) {
  const orders = useSmmOrdersQuery(
    ids.length > 0 ? { variables: { provider, ids }, errorPolicy: 'all', pollInterval: 5000 } : skipToken,
  );
  const [refill] = useSmmRefillMutation();
  const [cancel] = useSmmCancelMutation();
  const [notes, setNotes] = useState<Record<string, string>>({});
  const [actionProblems, setActionProblems] = useState<Problem[]>([]);

  // unknown ids come back as null with a NOT_FOUND error at their index: shown in their row
  const problems = problemsOf(orders.error);
  const notFound = new Set(
    problems.filter((p) => p.code === 'NOT_FOUND').map((p) => Number(p.path?.split('.')[1])),
  );
  const others = problems.filter((p) => p.code !== 'NOT_FOUND');

  const act = async (kind: 'refill' | 'cancel', id: string) => {
    setActionProblems([]);
    try {
      if (kind === 'refill') {
        const r = await refill({ variables: { provider, orderIds: [id] } });
        const res = r.data?.smmRefill?.results[0];
        setNotes((n) => ({
          ...n,
          [id]: res ? outcomeNote(res, res.refill ? `refill ${res.refill.id} requested` : '') : '',
        }));
      } else {
        const r = await cancel({ variables: { provider, orderIds: [id] } });
        const res = r.data?.smmCancel?.results[0];
        setNotes((n) => ({ ...n, [id]: res ? outcomeNote(res, 'cancel requested') : '' }));
        void orders.refetch();
      }
    } catch (err) {
      setActionProblems(problemsOf(err));
    }
  };

  return (
    <section>
      <h2>Orders</h2>
      <TrackForm ids={ids} onChange={onChange} example="23501, 23502" />
      <ErrorNotice problems={[...others, ...actionProblems]} />
      {ids.length === 0 ? (
        <p className="muted">No orders tracked yet: add ids above, or place an order below.</p>
      ) : (
        <table data-testid="orders-table">
          <thead>
            <tr>
              <th>Order</th>
              <th>Status</th>
              <th>Charge</th>
              <th>Start count</th>
              <th>Remains</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {ids.map((id, i) => {
              const o = orders.data?.smmOrders?.[i];
              return (
                <tr key={id} data-testid={`order-${id}`}>
                  <td>
                    <code>{id}</code>
                  </td>
                  <td>
                    {o ? (
                      <Badge status={o.status} text={o.statusText} colors={BADGE} />
                    ) : notFound.has(i) ? (
                      <span className="badge badge-red">NOT FOUND</span>
                    ) : (
                      <span className="muted">…</span>
                    )}
                  </td>
                  <td className="num">{o?.charge != null ? `${o.charge} ${o.currency ?? ''}` : ''}</td>
                  <td className="num">{o?.startCount ?? ''}</td>
                  <td className="num">{o?.remains ?? ''}</td>
                  <td className="actions">
                    <button type="button" onClick={() => void act('refill', id)}>
                      Refill
                    </button>
                    <button type="button" onClick={() => void act('cancel', id)}>
                      Cancel
                    </button>
                    <button type="button" onClick={() => onChange(ids.filter((x) => x !== id))}>
                      Untrack
                    </button>
                    {notes[id] && <span className="note">{notes[id]}</span>}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
