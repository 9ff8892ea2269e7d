import { useEffect, useState } from 'react';

/** A tiny history router: the hub serves the console for every page path. */
export function usePath(): string {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const update = () => setPath(location.pathname);
    window.addEventListener('popstate', update);
    window.addEventListener('socgraph:navigate', update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener('socgraph:navigate', update);
    };
  }, []);
  return path;
}

export function navigate(path: string): void {
  history.pushState(null, '', path);
  window.dispatchEvent(new Event('socgraph:navigate'));
  window.scrollTo(0, 0);
}

/** Props of an <a> that navigates inside the console (a real link: opens in a new tab too). */
export function linkTo(path: string) {
  return {
    href: path,
    onClick: (event: { preventDefault(): void; metaKey: boolean; ctrlKey: boolean; button: number }) => {
      if (event.metaKey || event.ctrlKey || event.button !== 0) return;
      event.preventDefault();
      navigate(path);
    },
  };
}
