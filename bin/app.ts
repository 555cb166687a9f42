/**
 * The CDK app: one stack per stage.
 *
 *   npx cdk synth                                   dev (cdk.json context "stage"), bundles the handlers
 *   npx cdk synth -c stage=prod -c jwtIssuer=https://... -c jwtAudience=<client id>
 *   npx cdk synth --quiet -c bundling=false         templates only: no esbuild, handler files not needed
 *
 * No account, region or resource name is hard-coded: the CLI's credentials pick the
 * environment and CloudFormation names the resources.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ApiStack, apiStackPropsFromContext } from '../lib/api-stack.js';

const app = new App();
// The CLI refuses user context keys starting with `aws:`, so `-c bundling=false` stands in for
// `aws:cdk:bundling-stacks=[]`: CDK then skips esbuild (see lib/api-function.ts).
if (String(app.node.tryGetContext('bundling')) === 'false') {
  app.node.setContext('aws:cdk:bundling-stacks', []);
}
const props = apiStackPropsFromContext(app);

new ApiStack(app, `Inscriptions-${props.stage}`, {
  ...props,
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  description: `Event registration: table and HTTP API (${props.stage})`,
});

// cdk-nag 3 runs as a CDK validation plugin (not an Aspect as in cdk-nag 2): any finding
// that is not acknowledged with Validations.of(construct).acknowledge() fails the synth.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

app.synth();
