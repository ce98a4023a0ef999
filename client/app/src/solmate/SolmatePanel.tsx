import { skipToken } from '@apollo/client/react';
import { useState } from 'react';
import {
  useAdDistrictsQuery,
  useAdOrdersQuery,
  useDeleteOrderMutation,
  usePauseOrderMutation,
  useResumeOrderMutation,
  type AdOrderFieldsFragment,
  type AdOrderStatus,
} from '../../../__generated__/hooks.ts';
import { ErrorNotice, problemsOf, type Problem } from '../errors.tsx';
import { useTrackedIds } from '../tracked.ts';
import { Badge, TrackForm, type BadgeColor } from '../ui.tsx';
import { OrderForm } from './OrderForm.tsx';

const STATUS: Record<AdOrderStatus, BadgeColor> = {
  RUNNING: 'green',
  WAITING: 'blue',
  PENDING: 'gray',
  LIMITED_BY_BUDGET: 'orange',
  STOPPED: 'yellow',
  ERROR: 'red',
  UNKNOWN: 'purple',
};

/** Solmate: tracked ad orders (pause, resume, edit, delete) and a form to create one. */
export function SolmatePanel() {
  const [ids, setIds] = useTrackedIds('dashboard.solmate.orders');
  const orders = useAdOrdersQuery(ids.length > 0 ? { variables: { ids }, errorPolicy: 'all' } : skipToken);
  const districts = useAdDistrictsQuery();
  const [pause] = usePauseOrderMutation();
  const [resume] = useResumeOrderMutation();
  const [remove] = useDeleteOrderMutation();
  const [editing, setEditing] = useState<AdOrderFieldsFragment>();
  const [notes, setNotes] = useState<Record<string, string>>({});
  const [actionProblems, setActionProblems] = useState<Problem[]>([]);
  const [created, setCreated] = useState<string>();

  const nameOf = new Map((districts.data?.adDistricts ?? []).map((d) => [d.value, d.name]));
  const problems = problemsOf(orders.error);
  const notFound = new Set(
    problems.filter((p) => p.code === 'NOT_FOUND').map((p) => Number(p.path?.split('.')[1])),
  );

  const act = async (kind: 'pause' | 'resume' | 'delete', id: string) => {
    setActionProblems([]);
    try {
      const payload =
        kind === 'pause'
          ? (await pause({ variables: { id } })).data?.pauseOrder
          : kind === 'resume'
            ? (await resume({ variables: { id } })).data?.resumeOrder
            : (await remove({ variables: { id } })).data?.deleteOrder;
      const refused = payload?.userErrors.map((e) => `${e.message} (${e.code})`).join('; ');
      setNotes((n) => ({ ...n, [id]: refused || `${kind} done` }));
      if (kind === 'delete' && !refused) setIds(ids.filter((x) => x !== id));
    } catch (err) {
      setActionProblems(problemsOf(err));
    }
  };

  return (
    <div className="panel" data-testid="solmate-panel">
      <section>
        <h2>Ad orders</h2>
        <TrackForm ids={ids} onChange={setIds} example="102341285566" />
        <ErrorNotice problems={[...problems.filter((p) => p.code !== 'NOT_FOUND'), ...actionProblems]} />
        {ids.length === 0 ? (
          <p className="muted">No orders tracked yet: add ids above, or create an order below.</p>
        ) : (
          <table data-testid="ad-orders-table">
            <thead>
              <tr>
                <th>Order</th>
                <th>Title</th>
                <th>Network</th>
                <th>Budget (total / daily)</th>
                <th>Districts</th>
                <th>Status</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {ids.map((id, i) => {
                const o = orders.data?.orders?.[i];
                return (
                  <tr key={id} data-testid={`ad-order-${id}`}>
                    <td>
                      <code>{id}</code>
                    </td>
                    <td>{o?.title}</td>
                    <td>
                      {o?.network} {o?.model && <small className="muted">{o.model}</small>}
                    </td>
                    <td className="num">{o ? `${o.totalBudget ?? '—'} / ${o.dailyBudget ?? '—'}` : ''}</td>
                    <td>
                      {o?.districts?.length
                        ? o.districts.map((d) => nameOf.get(d) ?? d).join('、')
                        : o
                          ? 'everywhere'
                          : ''}
                    </td>
                    <td>
                      {o ? (
                        <Badge status={o.status} text={o.statusText} colors={STATUS} />
                      ) : notFound.has(i) ? (
                        <span className="badge badge-red">NOT FOUND</span>
                      ) : (
                        <span className="muted">…</span>
                      )}
                    </td>
                    <td className="actions">
                      {o && (
                        <>
                          <button type="button" onClick={() => void act('pause', id)}>
                            Pause
                          </button>
                          <button type="button" onClick={() => void act('resume', id)}>
                            Resume
                          </button>
                          <button type="button" onClick={() => setEditing(o)}>
                            Edit
                          </button>
                          <button type="button" onClick={() => void act('delete', id)}>
                            Delete
                          </button>
                        </>
                      )}
                      <button type="button" onClick={() => setIds(ids.filter((x) => x !== id))}>
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
      {editing && (
        <section data-testid="edit-ad-order">
          <h2>
            Edit order <code>{editing.id}</code>{' '}
            <button type="button" onClick={() => setEditing(undefined)}>
              Close
            </button>
          </h2>
          <OrderForm key={editing.id} order={editing} onDone={() => setEditing(undefined)} />
        </section>
      )}
      <section>
        <h2>Create an ad order</h2>
        <OrderForm
          key={created ?? 'new'}
          onDone={(o) => {
            setCreated(o.id);
            setIds([o.id, ...ids.filter((x) => x !== o.id)]);
          }}
        />
        {created && (
          <p className="success" data-testid="ad-order-created">
            Order <code>{created}</code> created.
          </p>
        )}
      </section>
    </div>
  );
}
