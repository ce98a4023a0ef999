import { useEffect, useState, type ReactNode } from 'react';
import { LikenamaPanel } from './likenama/LikenamaPanel.tsx';
import { OverviewPanel } from './overview/OverviewPanel.tsx';
import { SmmPanel } from './smm/SmmPanel.tsx';
import { SolmatePanel } from './solmate/SolmatePanel.tsx';
import { MatchIdPanel } from './solsub/MatchIdPanel.tsx';

interface Panel {
  id: string;
  title: string;
  render: () => ReactNode;
}

/** One tab per API of the graph; a new API adds its panel folder and one line here. */
const PANELS: Panel[] = [
  { id: 'smm', title: 'SMM panels', render: () => <SmmPanel /> },
  { id: 'solmate', title: 'Solmate ads', render: () => <SolmatePanel /> },
  { id: 'solsub', title: 'Match IDs', render: () => <MatchIdPanel /> },
  { id: 'likenama', title: 'Likenama', render: () => <LikenamaPanel /> },
  // all four in one request: one upstream in trouble leaves the other sections filled
  { id: 'overview', title: 'Overview', render: () => <OverviewPanel /> },
];

const fromHash = () => PANELS.find((p) => `#${p.id}` === window.location.hash) ?? PANELS[0]!;

export function App() {
  const [panel, setPanel] = useState(fromHash);
  useEffect(() => {
    const onHash = () => setPanel(fromHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  return (
    <>
      <header>
        <h1>Dashboard</h1>
        <nav>
          {PANELS.map((p) => (
            <a
              key={p.id}
              href={`#${p.id}`}
              className={p.id === panel.id ? 'active' : ''}
              data-testid={`tab-${p.id}`}
            >
              {p.title}
            </a>
          ))}
        </nav>
        <a className="explore" href="/graphiql/" target="_blank" rel="noreferrer">
          Explore the graph ↗
        </a>
      </header>
      <main key={panel.id}>{panel.render()}</main>
    </>
  );
}
