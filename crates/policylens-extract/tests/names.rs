//! Data-driven tests of the name recognisers: actors, organisations, initiatives, sectors and
//! quotes, each case a sentence or two and the facts expected of one kind.

mod common;

use policylens_extract::FactKind;

/// The facts of one kind as strings: actors `name | role | org`, quotes `speaker: quote`,
/// everything else its name.
fn facts(text: &str, kind: &str) -> Vec<String> {
    common::facts(text, None)
        .into_iter()
        .filter(|f| f.kind.name() == kind)
        .map(|f| match f.kind {
            FactKind::Actor { name, role, org } => {
                let mut s = name;
                if !role.is_empty() || !org.is_empty() {
                    s.push_str(&format!(" | {role}"));
                }
                if !org.is_empty() {
                    s.push_str(&format!(" | {org}"));
                }
                s
            }
            FactKind::Organization { name }
            | FactKind::Initiative { name }
            | FactKind::Sector { name } => name,
            FactKind::Quote { speaker, quote } => format!("{speaker}: {quote}"),
            other => format!("{other:?}"),
        })
        .collect()
}

fn check(kind: &str, text: &str, expect: &[&str]) {
    let got = facts(text, kind);
    assert_eq!(got, expect, "{kind} facts of {text:?}");
}

#[test]
fn actors_with_a_title_before_the_name() {
    check(
        "actor",
        "The report was delivered by Chinese Premier Li Qiang on Tuesday.",
        &["Li Qiang | Premier"],
    );
    check(
        "actor",
        "Finance Minister Wang Bingqian told the congress.",
        &["Wang Bingqian | Finance Minister"],
    );
    check(
        "actor",
        "Minister of Science and Technology Yin Hejun highlighted strides in innovation.",
        &["Yin Hejun | Minister of Science and Technology"],
    );
    check(
        "actor",
        "It may spark criticism of President Bush's policies.",
        &["Bush | President"],
    );
    check(
        "actor",
        "Venezuelan president Hugo Chavez has offered access.",
        &["Hugo Chavez | president"],
    );
    check(
        "actor",
        "General manager Liu Shuxun declined to comment.",
        &["Liu Shuxun | General manager"],
    );
    check(
        "actor",
        "Assistant general manager Wang Hongshan said loans rose.",
        &["Wang Hongshan | Assistant general manager"],
    );
    check(
        "actor",
        "Factory manager Herbert Stueker says he hopes so.",
        &["Herbert Stueker | Factory manager"],
    );
}

#[test]
fn actors_in_appositions() {
    check(
        "actor",
        "Wang Dan, chief economist at Hang Seng Bank China, emphasized growth.",
        &["Wang Dan | chief economist | Hang Seng Bank"],
    );
    check(
        "actor",
        "China's deficit was 7.05 billion yuan, Tian Yinong, Vice Minister of Finance, said.",
        &["Tian Yinong | Vice Minister of Finance"],
    );
    check(
        "actor",
        "He Kang, Minister of Agriculture, Animal Husbandry and Fisheries, said this week that prices rose.",
        &["He Kang | Minister of Agriculture"],
    );
    check(
        "actor",
        "The case involved the ex-president of Bank of China, Wang Xuebing, jailed in 2003.",
        &["Wang Xuebing | ex-president | Bank of China"],
    );
    check(
        "actor",
        "Last year, China's premier, Wen Jiabao, targeted lending.",
        &["Wen Jiabao | premier"],
    );
    check(
        "actor",
        "That is one reason, says Frederic Sawicki, a politics lecturer at the University of Lille.",
        &["Frederic Sawicki | politics lecturer | University of Lille"],
    );
    check(
        "actor",
        "\"We expect the deficit to widen,\" said economist Marie-Pierre Ripert at IXIS.",
        &["Marie-Pierre Ripert | economist | IXIS"],
    );
}

#[test]
fn actors_by_honorific_and_speech() {
    check("actor", "Mr Addink blames the euro.", &["Addink"]);
    check(
        "actor",
        "Prices will rise, David Smith said.",
        &["David Smith"],
    );
    // no given name, no title: not a person
    check("actor", "Prices will rise, Economic Observer said.", &[]);
}

#[test]
fn coreference_gives_one_actor_per_person() {
    check(
        "actor",
        "Minister Yin Hejun spoke on Monday. Yin emphasized innovation. Mr Yin left.",
        &["Yin Hejun | Minister"],
    );
    check(
        "actor",
        "President Bush spoke. Later, President George W Bush left.",
        &["George W Bush | President"],
    );
    check(
        "organization",
        "Xiamen International Bank (XIB) reported a profit. XIB's reputation improved.",
        &["Xiamen International Bank"],
    );
}

#[test]
fn actors_by_given_name_and_possessive_titles() {
    check(
        "actor",
        "The airline is 25% owned by Richard Branson.",
        &["Richard Branson"],
    );
    check(
        "actor",
        "Sales fell, said Rod Eddington, the airline's chief executive.",
        &["Rod Eddington | chief executive"],
    );
    check(
        "actor",
        "It was signed by Agriculture Minister He Kang last month.",
        &["He Kang | Agriculture Minister"],
    );
    check(
        "actor",
        "Fiat chairman Luca di Montezemolo met the unions.",
        &["Luca di Montezemolo | Fiat chairman"],
    );
    // a lone word after a lower-case title is a company, not a surname
    check(
        "actor",
        "Incomes rose, said market analyst Datamonitor.",
        &[],
    );
    // the title introduces the next name, not the place before the comma
    check(
        "actor",
        "Sales resumed in California, company spokesman Gus Whitcomb said.",
        &["Gus Whitcomb | company spokesman"],
    );
}

#[test]
fn headlines_places_and_months_are_not_persons() {
    check(
        "actor",
        "CHINA GIVES FINAL BUDGET\n\nPEKING, June 16 - The deficit rose, he said.",
        &[],
    );
    check("actor", "In March, Hong Kong said sales rose.", &[]);
    check(
        "actor",
        "The foreign partner, Hong Kong-listed <Panin Holdings Ltd>, cut its stake.",
        &[],
    );
}

#[test]
fn organizations_by_keyword() {
    check(
        "organization",
        "Data from the National Bureau of Statistics (NBS) show growth. The NBS said so.",
        &["National Bureau of Statistics"],
    );
    check(
        "organization",
        "It quoted the Ministry of Light Industry as blaming prices.",
        &["Ministry of Light Industry"],
    );
    check(
        "organization",
        "The Commerce Department said the deficit grew.",
        &["Commerce Department"],
    );
    check(
        "organization",
        "Partners are Fujian Investment and Enterprise Corporation and Xiamen Construction and Development Corporation.",
        &[
            "Fujian Investment and Enterprise Corporation",
            "Xiamen Construction and Development Corporation",
        ],
    );
    check(
        "organization",
        "Both Bank of China and China Construction Bank plan listings.",
        &["Bank of China", "China Construction Bank"],
    );
    // a keyword alone is not a name; laws are not bodies
    check(
        "organization",
        "The Bureau said trade rose under the Securities Trading Act.",
        &[],
    );
}

#[test]
fn organizations_by_construction() {
    check(
        "organization",
        "Scandal-hit jet fuel supplier China Aviation Oil has offered to repay creditors.",
        &["China Aviation Oil"],
    );
    check(
        "organization",
        "Italy's Illva Saronno has agreed to buy 33% of Changyu, the largest wine maker in China.",
        &["Illva Saronno", "Changyu"],
    );
    check(
        "organization",
        "Beck-Crespel is a specialist steel firm in Armentieres.",
        &["Beck-Crespel"],
    );
    check(
        "organization",
        "The official Economic Information newspaper said output fell.",
        &["Economic Information"],
    );
    check(
        "organization",
        "Changyu said in a statement to the Shenzhen stock exchange that it agreed.",
        &["Changyu", "Shenzhen stock exchange"],
    );
    check(
        "organization",
        "The subsidiaries are <Luso International Bank Ltd> in Macao.",
        &["Luso International Bank Ltd"],
    );
    check(
        "organization",
        "Shares in Scottish & Newcastle rose.",
        &["Scottish & Newcastle"],
    );
    check(
        "organization",
        "Creditors include banking giants such as Barclays Capital and Sumitomo Mitsui.",
        &["Barclays Capital", "Sumitomo Mitsui"],
    );
}

#[test]
fn organizations_merge_gazetteer_entries_and_keep_longer_names() {
    check(
        "organization",
        "Volkswagen AG <VOWG.F>, VW, plans a plant. VW said so.",
        &["Volkswagen AG"],
    );
    check(
        "organization",
        "Shares in airline Virgin Blue plunged.",
        &["Virgin Blue"],
    );
    check(
        "organization",
        "Chen Muhua, president of the People's\nConstruction Bank of China, spoke.",
        &["People's Construction Bank of China"],
    );
    check(
        "organization",
        "Wen Wei Po said the drought eased.",
        &["Wen Wei Po"],
    );
}

#[test]
fn organizations_exclude_places_publishers_and_openers() {
    check(
        "organization",
        "Allied Domecq shares in London rose 4%.",
        &["Allied Domecq"],
    );
    check(
        "organization",
        "Altogether, the agency ordered 30 projects halted.",
        &[],
    );
    check(
        "organization",
        "Deposits rose, he told Reuters.\n REUTER\n",
        &[],
    );
    check(
        "organization",
        "The bank told Reuters news agency that it agreed.",
        &["Reuters"],
    );
    check("organization", "He told the BBC that it agreed.", &[]);
    check(
        "organization",
        "PEKING, March 25 - Deposits rose, he told Reuters.",
        &[],
    );
    check(
        "organization",
        "Total sales rose. Democrats claim the plan failed.",
        &["Democrats"],
    );
}

#[test]
fn initiatives() {
    check(
        "initiative",
        "It marked the launch of the AI Plus initiative.",
        &["AI Plus"],
    );
    check(
        "initiative",
        "China will cultivate new quality productive forces.",
        &["new quality productive forces"],
    );
    check(
        "initiative",
        "Leaders gather to sign the new EU constitution.",
        &["EU constitution"],
    );
    check(
        "initiative",
        "Spending under the seventh five-year plan (1986-90) rose.",
        &["seventh five-year plan"],
    );
    check(
        "initiative",
        "The Marshall Plan rebuilt Europe.",
        &["Marshall Plan"],
    );
    check(
        "initiative",
        "Officials began the \"Buy Local\" campaign in May.",
        &["Buy Local"],
    );
    check(
        "initiative",
        "The firm announced a restructuring plan.",
        &[],
    );
}

#[test]
fn sectors() {
    check(
        "sector",
        "Sectors such as hydrogen power, new materials and quantum technology will grow.",
        &["hydrogen power", "new materials", "quantum technology"],
    );
    check(
        "sector",
        "Wealth created by coal, steel and textiles.",
        &["coal", "steel", "textiles"],
    );
    check(
        "sector",
        "It signed agreements covering other industries including mining.",
        &["mining"],
    );
    check(
        "sector",
        "China's banking sector is burdened with bad debt.",
        &["banking"],
    );
    // a lone one-word mention without context is not a focus
    check("sector", "He drank wine at dinner.", &[]);
    check(
        "sector",
        "Sugar prices rose. Sugar mills are old.",
        &["sugar"],
    );
    // a capitalised alias is a name, not a sector
    check(
        "sector",
        "Secretary of State Condoleezza Rice met Rice growers.",
        &[],
    );
}

#[test]
fn quotes() {
    check(
        "quote",
        "\"It will not be easy to cut demand,\" Liu Shuxun said.",
        &["Liu Shuxun: It will not be easy to cut demand"],
    );
    check(
        "quote",
        "General manager Liu Shuxun spoke. He said that targets were under study.",
        &["Liu Shuxun: targets were under study"],
    );
    // the person after the verb speaks, not the company before their title
    check(
        "quote",
        "\"Demand is sluggish,\" said Virgin Blue chief executive Brett Godfrey.",
        &["Brett Godfrey: Demand is sluggish"],
    );
}
