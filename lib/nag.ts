import { type CfnElement, DefaultStackSynthesizer, Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

/**
 * cdk-nag 3 names each IAM4/IAM5 finding precisely (`RuleId[FindingId]`), and only that exact
 * id acknowledges it: a wildcard granted on purpose is acknowledged one by one, so a new one
 * slipping in still fails the synth. These helpers write the ids the way cdk-nag prints them.
 */

/** The AWS managed policy CDK's own custom resource functions log through. */
export const BASIC_EXECUTION_ROLE_FINDING =
  'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]';

export const wildcardActionFinding = (action: string): string => `AwsSolutions-IAM5[Action::${action}]`;
export const wildcardResourceFinding = (resource: string): string =>
  `AwsSolutions-IAM5[Resource::${resource}]`;

/** A CloudFormation reference as cdk-nag prints it: `<LogicalId>` or `<LogicalId.Attribute>`. */
export const nagRef = (element: CfnElement, attribute?: string): string => {
  const logicalId = Stack.of(element).resolve(element.logicalId) as string;
  return `<${logicalId}${attribute ? `.${attribute}` : ''}>`;
};

/** The CDK bootstrap bucket file assets are staged in, as cdk-nag prints it. */
export const assetBucketPattern = (scope: Construct): string => {
  const qualifier =
    (scope.node.tryGetContext('@aws-cdk/core:bootstrapQualifier') as string | undefined) ??
    DefaultStackSynthesizer.DEFAULT_QUALIFIER;
  return `arn:<AWS::Partition>:s3:::cdk-${qualifier}-assets-<AWS::AccountId>-<AWS::Region>/*`;
};
