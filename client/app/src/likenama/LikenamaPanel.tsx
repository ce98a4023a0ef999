import { useState, type FormEvent } from 'react';
import {
  useBundlesQuery,
  useCampaignsQuery,
  useLikeCampaignMutation,
  useLikenamaViewerQuery,
  useNextCampaignQuery,
  useProductsQuery,
  usePurchaseProductMutation,
  useSendMessageMutation,
  type CampaignStatus,
} from '../../../__generated__/hooks.ts';
import { newKey } from '../attempt.ts';
import { byField, ErrorNotice, FieldErrors, problemsOf, type FieldError, type Problem } from '../errors.tsx';
import { Badge, Field, type BadgeColor } from '../ui.tsx';

const TOKEN_KEY = 'dashboard.likenama.token';

const STATUS: Record<CampaignStatus, BadgeColor> = {
  SHOWING: 'green',
  AVAILABLE: 'teal',
  PENDING: 'gray',
  NOT_SHOWN: 'blue',
  CHECK_NEEDED: 'orange',
  ENDED: 'gray',
  REJECTED: 'red',
  UNKNOWN: 'purple',
};

/** Likenama acts for one user: the panel asks for that user's token and sends it with each call. */
export function LikenamaPanel() {
  const [token, setToken] = useState(() => sessionStorage.getItem(TOKEN_KEY) ?? '');
  const [draft, setDraft] = useState('');
  const use = (t: string) => {
    setToken(t);
    if (t) sessionStorage.setItem(TOKEN_KEY, t);
    else sessionStorage.removeItem(TOKEN_KEY);
  };

  return (
    <div className="panel" data-testid="likenama-panel">
      <section>
        <h2>Likenama account</h2>
        {token ? (
          <p className="inline">
            Using a token ending in <code>…{token.slice(-4)}</code>
            <button type="button" onClick={() => use('')} data-testid="likenama-forget">
              Use another token
            </button>
          </p>
        ) : (
          <form
            className="inline"
            onSubmit={(e) => {
              e.preventDefault();
              use(draft.trim());
            }}
          >
            <input
              aria-label="Likenama token"
              type="password"
              placeholder="the user's Likenama auth token"
              data-testid="likenama-token"
              value={draft}
              onChange={(e) => setDraft(e.target.value)}
            />
            <button type="submit" data-testid="likenama-use-token">
              Use token
            </button>
            <span className="muted">sent as the x-likenama-token header, kept for this tab only</span>
          </form>
        )}
      </section>
      {/* keyed by token: nothing of one user's answers is shown to the next */}
      {token && <LikenamaUser key={token} token={token} />}
    </div>
  );
}

function LikenamaUser({ token }: { token: string }) {
  // every Likenama field acts for the token's user; network-only so the cache never mixes users
  const as = { context: { headers: { 'x-likenama-token': token } }, fetchPolicy: 'network-only' } as const;
  const viewer = useLikenamaViewerQuery(as);
  const campaigns = useCampaignsQuery(as);
  const user = viewer.data?.likenamaViewer;

  return (
    <>
      <section>
        <ErrorNotice error={viewer.error} />
        {user && (
          <div className="cards">
            <div className="card" data-testid="likenama-viewer">
              <span className="card-title">@{user.username}</span>
              <span className="balance">
                {user.likeCredit} <small>like credit</small>
              </span>
              <span className="balance">
                {user.coinCredit} <small>coin credit</small>
              </span>
            </div>
          </div>
        )}
      </section>
      {user && (
        <>
          <section>
            <h2>My campaigns</h2>
            <ErrorNotice error={campaigns.error} />
            {campaigns.data?.campaigns?.length === 0 && <p className="muted">No campaigns yet.</p>}
            {!!campaigns.data?.campaigns?.length && (
              <table data-testid="campaigns-table">
                <thead>
                  <tr>
                    <th>Campaign</th>
                    <th>Post</th>
                    <th>Paid in</th>
                    <th>Status</th>
                    <th>Budget left</th>
                    <th>Likes</th>
                  </tr>
                </thead>
                <tbody>
                  {campaigns.data.campaigns.map((c) => (
                    <tr key={c.id} data-testid={`campaign-${c.id}`}>
                      <td>
                        <code>{c.id}</code>
                      </td>
                      <td className="ellipsis">{c.targetUrl}</td>
                      <td>{c.paymentType}</td>
                      <td>
                        <Badge status={c.status} text={c.statusText} colors={STATUS} />
                      </td>
                      <td className="num">{c.budget}</td>
                      <td className="num">{c.totalLikes}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
          <NextCampaign token={token} onLiked={() => void viewer.refetch()} />
          <Shop token={token} onBought={() => void viewer.refetch()} />
          <Message token={token} />
        </>
      )}
    </>
  );
}

function NextCampaign({ token, onLiked }: { token: string; onLiked: () => void }) {
  const context = { headers: { 'x-likenama-token': token } };
  const next = useNextCampaignQuery({ context, fetchPolicy: 'network-only' });
  const [like, { loading }] = useLikeCampaignMutation({ context });
  const [instagramToken, setInstagramToken] = useState('');
  const [userErrors, setUserErrors] = useState<FieldError[]>([]);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [liked, setLiked] = useState('');
  const campaign = next.data?.nextCampaign;
  const { fields, rest } = byField(userErrors, ['instagramAccessToken']);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!campaign) return;
    setProblems([]);
    setLiked('');
    try {
      const r = await like({ variables: { id: campaign.id, instagramAccessToken: instagramToken.trim() } });
      setUserErrors(r.data?.likeCampaign?.userErrors ?? []);
      if (r.data?.likeCampaign?.user) {
        setLiked(`Liked campaign ${campaign.id}: credit earned.`);
        onLiked();
        void next.refetch();
      }
    } catch (err) {
      setProblems(problemsOf(err));
    }
  };

  return (
    <section>
      <h2>Next campaign to like</h2>
      <ErrorNotice error={next.error} />
      {next.data && !campaign && <p className="muted">No campaign to like right now.</p>}
      {campaign && (
        <form className="order-form" noValidate onSubmit={(e) => void submit(e)} data-testid="next-campaign">
          <p>
            Campaign <code>{campaign.id}</code> pays{' '}
            {campaign.paymentType === 'COIN'
              ? `${campaign.coinUserShare ?? 0} coins`
              : `${campaign.likeUserShare ?? 0} like credit`}
            {campaign.waiting ? `, then wait ${campaign.waiting}s` : ''}.
            {campaign.description && <span className="muted"> {campaign.description}</span>}
          </p>
          <Field
            name="instagramAccessToken"
            label="Your Instagram access token"
            required
            errors={fields.instagramAccessToken}
          >
            <input
              id="f-instagramAccessToken"
              data-testid="instagram-token"
              value={instagramToken}
              onChange={(e) => setInstagramToken(e.target.value)}
            />
          </Field>
          {rest.length > 0 && (
            <div data-testid="like-errors">
              <FieldErrors errors={rest} />
            </div>
          )}
          <ErrorNotice problems={problems} />
          <button type="submit" disabled={loading} data-testid="like-campaign">
            I liked it on Instagram
          </button>
          {liked && <p className="success">{liked}</p>}
        </form>
      )}
    </section>
  );
}

function Shop({ token, onBought }: { token: string; onBought: () => void }) {
  const context = { headers: { 'x-likenama-token': token } };
  const products = useProductsQuery({ context, fetchPolicy: 'network-only' });
  const bundles = useBundlesQuery({ context, fetchPolicy: 'network-only' });
  const [purchase] = usePurchaseProductMutation({ context });
  const [notes, setNotes] = useState<Record<string, string>>({});
  const [problems, setProblems] = useState<Problem[]>([]);
  // one idempotency key per product until its purchase has a definite outcome: a second click
  // after a timeout gets the first one's outcome instead of paying twice
  const [keys, setKeys] = useState<Record<string, string>>({});

  const buy = async (id: string) => {
    setProblems([]);
    const key = keys[id] ?? newKey();
    setKeys((k) => ({ ...k, [id]: key }));
    try {
      const r = await purchase({ variables: { id, idempotencyKey: key } });
      setKeys(({ [id]: _done, ...rest }) => rest);
      const p = r.data?.purchaseProduct;
      const note = p?.code
        ? `Your code: ${p.code}`
        : (p?.userErrors.map((e) => `${e.message} (${e.code})`).join('; ') ?? '');
      setNotes((n) => ({ ...n, [id]: note }));
      if (p?.code) onBought();
    } catch (err) {
      setProblems(problemsOf(err));
    }
  };

  return (
    <section>
      <h2>Shop</h2>
      <ErrorNotice problems={[...problemsOf(products.error), ...problemsOf(bundles.error), ...problems]} />
      <table data-testid="products-table">
        <tbody>
          {products.data?.products?.map((p) => (
            <tr key={p.id} data-testid={`product-${p.id}`}>
              <td>{p.title}</td>
              <td className="muted">{p.description}</td>
              <td className="num">{p.price} coins</td>
              <td className="actions">
                <button type="button" onClick={() => void buy(p.id)}>
                  Buy
                </button>
                {notes[p.id] && <span className="note">{notes[p.id]}</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {!!bundles.data?.bundles?.length && (
        <>
          <h2>Coin bundles (Cafe Bazaar)</h2>
          <ul data-testid="bundles">
            {bundles.data.bundles.map((b) => (
              <li key={b.bazaarSku}>
                {b.coins} coins{b.freeCoins ? ` + ${b.freeCoins} free` : ''} for {b.price}{' '}
                <code>{b.bazaarSku}</code>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function Message({ token }: { token: string }) {
  const [send, { loading }] = useSendMessageMutation({ context: { headers: { 'x-likenama-token': token } } });
  const [values, setValues] = useState({ email: '', title: '', content: '' });
  const [userErrors, setUserErrors] = useState<FieldError[]>([]);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [sent, setSent] = useState(false);
  const { fields, rest } = byField(userErrors, ['email', 'title', 'content']);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setProblems([]);
    setSent(false);
    try {
      const r = await send({ variables: { input: values } });
      setUserErrors(r.data?.sendMessage?.userErrors ?? []);
      setSent(r.data?.sendMessage?.sent === true);
    } catch (err) {
      setProblems(problemsOf(err));
    }
  };

  const input = (name: 'email' | 'title' | 'content', label: string) => (
    <Field name={name} label={label} required errors={fields[name]}>
      {name === 'content' ? (
        <textarea
          id={`f-${name}`}
          rows={3}
          data-testid={`message-${name}`}
          value={values[name]}
          onChange={(e) => setValues((v) => ({ ...v, [name]: e.target.value }))}
        />
      ) : (
        <input
          id={`f-${name}`}
          data-testid={`message-${name}`}
          value={values[name]}
          onChange={(e) => setValues((v) => ({ ...v, [name]: e.target.value }))}
        />
      )}
    </Field>
  );

  return (
    <section>
      <h2>Message support</h2>
      <form className="order-form" noValidate onSubmit={(e) => void submit(e)}>
        {input('email', 'Your e-mail')}
        {input('title', 'Subject')}
        {input('content', 'Message (up to 500 characters)')}
        {rest.length > 0 && <FieldErrors errors={rest} />}
        <ErrorNotice problems={problems} />
        <button type="submit" disabled={loading} data-testid="message-send">
          Send
        </button>
        {sent && <p className="success">Sent: Likenama’s support will answer by e-mail.</p>}
      </form>
    </section>
  );
}
