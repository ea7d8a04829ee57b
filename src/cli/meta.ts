import pkg from '../../package.json';

/** The package version, bundled from package.json. */
export const VERSION: string = pkg.version;

const meta = pkg as { homepage?: string; repository?: string | { url?: string } };
const repoUrl = typeof meta.repository === 'string' ? meta.repository : meta.repository?.url;
const github = repoUrl ? /github\.com[/:]([^/]+\/[^/.]+)/.exec(repoUrl)?.[1] : undefined;

/** Where the tool is documented: package.json's homepage, else its GitHub repository, else unknown. */
export const INFORMATION_URI: string | undefined = meta.homepage ?? (github ? `https://github.com/${github}` : undefined);

/** The web page of a rule's doc, when the repository is known. */
export function ruleDocUri(id: string, engine: boolean): string | undefined {
  return github ? `https://github.com/${github}/blob/main/rules/${engine ? 'engine/' : ''}${id}.md` : undefined;
}
