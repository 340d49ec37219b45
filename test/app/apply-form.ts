/**
 * The application form (#/apply) as an applicant fills it in the tests: an eligible CQO of a large manufacturer,
 * with valid check characters (GB 11643 ID number, GB 32100 credit code), one provincial award and an exam score.
 */
import type { Page } from "playwright-core";
import { idNumberCheckChar, usccCheckChar } from "../../scoring";

const ID17 = "43010219850612123";
export const ID_OK = ID17 + idNumberCheckChar(ID17);
/** the same number with another check character */
export const ID_BAD = ID17 + (ID_OK.endsWith("1") ? "2" : "1");
const USCC17 = "91430100MA4L12345";
export const USCC_OK = USCC17 + usccCheckChar(USCC17)!;

const field = (page: Page, name: string) => page.locator(`[name="${name}"]`);

export async function fillApplication(page: Page, name: string): Promise<void> {
  await field(page, "applicant.name").fill(name);
  await field(page, "applicant.idNumber").fill(ID_OK);
  await field(page, "applicant.phone").fill("13912345678");
  await field(page, "applicant.education").selectOption("master");
  await field(page, "applicant.professionalTitle").selectOption("senior");
  await field(page, "applicant.qualityYears").fill("12");
  await field(page, "applicant.appointment.appointedAsCqo").check();
  await field(page, "applicant.appointment.reportsToTopManagement").check();
  await field(page, "applicant.appointment.vetoPower").check();
  await field(page, "applicant.appointment.date").fill("2022-03-01");
  await field(page, "applicant.hasTraining").check();
  await field(page, "applicant.training.certificateNo").fill("HNCQO-T-0000040");
  await field(page, "applicant.training.issuedOn").fill("2023-06-30");
  await field(page, "applicant.training.hours").fill("36");
  await field(page, "employer.name").fill("湖南某某精密制造有限公司");
  await field(page, "employer.uscc").fill(USCC_OK);
  await field(page, "employer.sizeClass").selectOption("large");
  await page.locator('[data-list="records.awards"] > button').click();
  await field(page, "records.awards[0].level").selectOption("provincial");
  await field(page, "records.awards[0].name").fill("湖南省质量奖");
  await field(page, "records.awards[0].year").fill("2021");
  await field(page, "records.examTaken").check();
  await field(page, "records.examScore").fill("88.5");
  await field(page, "records.trainingHours").fill("60");
  await field(page, "records.qualityProjects").fill("3");
}
