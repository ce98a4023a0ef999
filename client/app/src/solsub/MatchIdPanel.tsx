import { useState, type FormEvent } from 'react';
import {
  useCreateMatchIdMutation,
  useMatchIdStatusLazyQuery,
  type CreateMatchIdMutation,
  type MatchIdState,
} from '../../../__generated__/hooks.ts';
import { useAttempt } from '../attempt.ts';
import { byField, ErrorNotice, FieldErrors, problemsOf, type FieldError, type Problem } from '../errors.tsx';
import { Badge, Field, type BadgeColor } from '../ui.tsx';

const STATE: Record<MatchIdState, BadgeColor> = {
  PAID_ACTIVE: 'green',
  TRIAL_ACTIVE: 'teal',
  EXPIRED: 'gray',
  NOT_FOUND: 'red',
};

/** SolSub: check whether a Match ID is active; register a new one. */
export function MatchIdPanel() {
  return (
    <div className="panel" data-testid="solsub-panel">
      <CheckMatchId />
      <CreateMatchId />
    </div>
  );
}

function CheckMatchId() {
  const [matchId, setMatchId] = useState('');
  // every check spends one of the Match ID's hits at SolSub: only on demand, never polled
  const [check, result] = useMatchIdStatusLazyQuery({ fetchPolicy: 'network-only' });
  const status = result.data?.matchIdStatus;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (matchId.trim()) check({ variables: { matchId: matchId.trim() } }).catch(() => {});
  };

  return (
    <section>
      <h2>Check a Match ID</h2>
      <form className="inline" onSubmit={submit}>
        <input
          aria-label="Match ID"
          placeholder="Match ID, e.g. PAID_001"
          data-testid="match-id-input"
          value={matchId}
          onChange={(e) => setMatchId(e.target.value)}
        />
        <button type="submit" disabled={result.loading} data-testid="match-id-check">
          Check
        </button>
      </form>
      <ErrorNotice error={result.error} />
      {status && !result.error && (
        <p className="result" data-testid="match-id-result">
          <code>{status.matchId}</code> <Badge status={status.state} colors={STATE} />{' '}
          <strong>{status.active ? 'active' : 'not active'}</strong>
          {status.detail && <span className="muted"> — “{status.detail}”</span>}
        </p>
      )}
    </section>
  );
}

type Created = NonNullable<NonNullable<CreateMatchIdMutation['createMatchId']>['matchId']>;

function CreateMatchId() {
  const [matchId, setMatchId] = useState('');
  const [create, { loading }] = useCreateMatchIdMutation();
  const [userErrors, setUserErrors] = useState<FieldError[]>([]);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [created, setCreated] = useState<Created>();
  const { fields, rest } = byField(userErrors, ['matchId']);
  const attempt = useAttempt();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setProblems([]);
    setCreated(undefined);
    try {
      const id = matchId.trim();
      const r = await create({ variables: { matchId: id, idempotencyKey: attempt.keyFor(id) } });
      setUserErrors(r.data?.createMatchId?.userErrors ?? []);
      if (r.data?.createMatchId?.matchId) {
        setCreated(r.data.createMatchId.matchId);
        attempt.done();
      }
    } catch (err) {
      setProblems(problemsOf(err));
    }
  };

  return (
    <section>
      <h2>Register a Match ID</h2>
      <form className="order-form" noValidate onSubmit={(e) => void submit(e)}>
        <Field
          name="matchId"
          label="New Match ID"
          hint="letters, digits, _ or -"
          required
          errors={fields.matchId}
        >
          <input
            id="f-matchId"
            data-testid="new-match-id"
            value={matchId}
            onChange={(e) => setMatchId(e.target.value)}
          />
        </Field>
        {rest.length > 0 && <FieldErrors errors={rest} />}
        <ErrorNotice problems={problems} />
        <button type="submit" disabled={loading} data-testid="create-match-id">
          Register
        </button>
        {created && (
          <p className="success" data-testid="match-id-created">
            <code>{created.matchId}</code> registered in {created.cluster}
            {created.isTrial ? ' (trial)' : ''}
            {created.validTill ? `, valid till ${new Date(created.validTill).toLocaleString()}` : ''}.
          </p>
        )}
      </form>
    </section>
  );
}
