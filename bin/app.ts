/**
 * The CDK app: one stack per stage, and its WAF stack when it has one (docs/deploy.md explains
 * every context key).
 *
 *   npx cdk synth                                   dev (cdk.json context "stage"), bundles handlers, builds web/
 *   npx cdk deploy --all -c stage=prod -c domain=example.org -c 'organisers=[{"id":…,"name":…,"replyTo":…}]'
 *   npx cdk synth --quiet -c bundling=false         templates only: no esbuild, no web build
 *
 * No account, region or resource name is hard-coded: the stack is environment-agnostic
 * unless the stage pins `account`/`region` in cdk.json, and CloudFormation names the resources.
 * The one exception is a stage's WAF stack (lib/waf.ts), pinned to us-east-1 because CloudFront
 * takes web ACLs from there only; `--all` deploys it first.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { projectRoot } from '../lib/app-function.js';
import { InscriptionsStack } from '../lib/inscriptions-stack.js';
import { stageSettingsFromContext } from '../lib/stage.js';

const app = new App();
// The CLI refuses user context keys starting with `aws:`, so `-c bundling=false` stands in for
// `aws:cdk:bundling-stacks=[]`: CDK then skips esbuild (see lib/app-function.ts).
const bundling = String(app.node.tryGetContext('bundling')) !== 'false';
if (!bundling) app.node.setContext('aws:cdk:bundling-stacks', []);

const settings = stageSettingsFromContext(app);

// The pages are built here, like the functions, so a deploy always ships the current web/.
const builtPages = `${projectRoot}/web/dist`;
if (bundling) {
  const { buildWeb } = await import('../web/build.js');
  await buildWeb(builtPages);
}

new InscriptionsStack(app, `Inscriptions-${settings.stage}`, {
  settings,
  ...(bundling ? { builtPages } : {}),
  ...(settings.account || settings.region
    ? { env: { account: settings.account, region: settings.region } }
    : {}),
  description: `Event registration: site, API, mail and reminders (${settings.stage})`,
});

// cdk-nag 3 runs as a CDK validation plugin (not an Aspect as in cdk-nag 2): any finding
// that is not acknowledged with Validations.of(construct).acknowledge() fails the synth.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

app.synth();
