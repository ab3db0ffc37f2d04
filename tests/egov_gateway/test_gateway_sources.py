"""Each SOAP source's mapping, through the real client and the loopback gateway (SYNC-1, SUP-3)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from egov_gateway.errors import MalformedAnswer, SourceRejected
from egov_gateway.sources.registry import lookup_source

pytestmark = [pytest.mark.req("SYNC-1"), pytest.mark.req("SUP-3")]

GBD_UL = """
<ns3:responseDataType xmlns:ns3="http://gbdulinfobybin_v2.egp.gbdul.tamur.kz">
  <Status><Code>002</Code><NameRu>Запрос обработан успешно</NameRu></Status>
  <Organization>
    <BIN>{bin}</BIN>
    <RegStatus><Code>1</Code><NameRu>Зарегистрирован</NameRu></RegStatus>
    <RegistrationDate>2009-04-17+06:00</RegistrationDate>
    <FullNameRu>Товарищество с ограниченной ответственностью «Ортопедия Астана»</FullNameRu>
    <FullNameKz>«Ортопедия Астана» жауапкершілігі шектеулі серіктестігі</FullNameKz>
    <ShortNameRu>ТОО «Ортопедия Астана»</ShortNameRu>
    <OrganizationLeader><IIN>780623321477</IIN><SurName>Каримов</SurName><Name>Асхат</Name>
      <MiddleName>Нурланович</MiddleName></OrganizationLeader>
    <Founders>
      <Founder><IIN>780623321477</IIN><SurName>Каримов</SurName><Name>Асхат</Name>
        <MiddleName>Нурланович</MiddleName><Country><NameRu>Казахстан</NameRu></Country></Founder>
      <Founder><BIN>120340016615</BIN><OrgNameRu>ТОО «Инвест»</OrgNameRu></Founder>
    </Founders>
    <Activity><Main>true</Main><OKED>32501</OKED><ActivityNameRu>Производство</ActivityNameRu>
    </Activity>
    <PropertyType><NameRu>Частная</NameRu></PropertyType>
    <CreationMethod><NameRu>Вновь созданное</NameRu></CreationMethod>
    <Address><DistrictRu>г. Астана</DistrictRu><RegionRu>район Есиль</RegionRu><CityRu>-</CityRu>
      <StreetRu>проспект Мәңгілік Ел</StreetRu><BuildingNumber>20</BuildingNumber></Address>
    {liquidation}
  </Organization>
</ns3:responseDataType>
"""

GBD_FL = """
<messageResult><code>{result}</code><nameRu>…</nameRu></messageResult>
<persons><person><iin>{iin}</iin><surname>ДОСОВ</surname><name>ИЛЬЯС</name>
  <patronymic>ЕРБОЛОВИЧ</patronymic><birthDate>1988-09-30</birthDate>
  <lifeStatus><code>{life}</code></lifeStatus>{death}
  <regAddress><district><nameRu>г. Астана</nameRu></district><street>улица Жұбанова</street>
    <building>3</building><flat>41</flat></regAddress>
</person></persons>
"""


def test_legal_entity_data_is_mapped_with_its_provenance(soap_gateway):
    soap_gateway.services["GbdulInfoByBin_v2"] = lambda bin: GBD_UL.format(bin=bin, liquidation="")

    entity = lookup_source("gbd_ul").lookup("090440023188")

    assert entity.source == "gbd_ul"
    assert entity.identifier == "090440023188"
    assert entity.fetched_at.tzinfo is not None
    assert "<FullNameRu>" in entity.raw
    assert entity.full_name_ru.endswith("«Ортопедия Астана»")
    assert entity.short_name_ru == "ТОО «Ортопедия Астана»"
    assert entity.head_full_name == "Каримов Асхат Нурланович"
    assert entity.head_iin == "780623321477"
    assert entity.founders_count == 2
    assert entity.founders[0].citizenship == "Казахстан"
    assert entity.founders[1].identifier == "120340016615"
    assert entity.activities[0].oked == "32501" and entity.activities[0].is_main
    assert entity.legal_address == "г. Астана, район Есиль, проспект Мәңгілік Ел, 20"
    assert entity.ownership_form == "Частная"
    assert entity.registered_on == datetime.date(2009, 4, 17)
    assert not entity.is_liquidated


@pytest.mark.req("SUP-8")
def test_the_legal_address_is_the_registered_one_never_the_actual_one(soap_gateway):
    actual = (
        "<StatCommInfo><AddressFact><NameRu>Алматинская область, г. Конаев, ул. Абая, 1"
        "</NameRu></AddressFact></StatCommInfo>"
    )
    soap_gateway.services["GbdulInfoByBin_v2"] = lambda bin: GBD_UL.format(
        bin=bin, liquidation=actual
    )

    entity = lookup_source("gbd_ul").lookup("090440023188")

    assert entity.legal_address == "г. Астана, район Есиль, проспект Мәңгілік Ел, 20"
    assert entity.actual_address == "Алматинская область, г. Конаев, ул. Абая, 1"


def test_a_liquidated_legal_entity_is_recognised(soap_gateway):
    liquidation = "<Liquidation><LiqDate>2026-10-01+06:00</LiqDate></Liquidation>"
    soap_gateway.services["GbdulInfoByBin_v2"] = lambda bin: GBD_UL.format(
        bin=bin, liquidation=liquidation
    )

    entity = lookup_source("gbd_ul").lookup("090440023188")

    assert entity.is_liquidated
    assert entity.liquidated_on == datetime.date(2026, 10, 1)


def test_no_such_legal_entity_is_an_answer_of_no_record(soap_gateway):
    soap_gateway.services["GbdulInfoByBin_v2"] = lambda bin: (
        "<Status><Code>003</Code><NameRu>Сведения не найдены</NameRu></Status>"
    )

    assert lookup_source("gbd_ul").lookup("090440023188") is None


@pytest.mark.req("SYNC-3")
def test_an_answer_without_organisation_or_known_status_is_never_read_as_no_record(soap_gateway):
    soap_gateway.services["GbdulInfoByBin_v2"] = lambda bin: "<Status><Code>500</Code></Status>"

    with pytest.raises(SourceRejected, match="status 500"):
        lookup_source("gbd_ul").lookup("090440023188")


def test_a_living_person_is_mapped(soap_gateway):
    soap_gateway.services["GBDFL_UniversalServiceSync"] = lambda iin: GBD_FL.format(
        iin=iin, result="00000", life="0", death=""
    )

    person = lookup_source("gbd_fl").lookup("880930324194")

    assert person.full_name == "ДОСОВ ИЛЬЯС ЕРБОЛОВИЧ"
    assert person.birth_date == datetime.date(1988, 9, 30)
    assert person.legal_address == "г. Астана, улица Жұбанова, 3, 41"
    assert not person.is_deceased


def test_a_deceased_person_is_recognised(soap_gateway):
    soap_gateway.services["GBDFL_UniversalServiceSync"] = lambda iin: GBD_FL.format(
        iin=iin, result="00000", life="1", death="<deathDate>2026-11-02</deathDate>"
    )

    person = lookup_source("gbd_fl").lookup("880930324194")

    assert person.is_deceased
    assert person.deceased_on == datetime.date(2026, 11, 2)


def test_entrepreneur_registration_and_its_end(soap_gateway):
    answers = {
        "850111418247": "<Entrepreneur><IIN>850111418247</IIN><Name>ИП «Мейірім»</Name>"
        "<RegistrationDate>2014-03-12</RegistrationDate></Entrepreneur>",
        "750412390932": "<Entrepreneur><IIN>750412390932</IIN><Name>ИП «Сапар»</Name>"
        "<RegistrationDate>2011-05-05</RegistrationDate><EndDate>2026-09-30</EndDate>"
        "</Entrepreneur>",
    }
    soap_gateway.services["GBDUL_IP_InfoByIIN"] = lambda iin: answers.get(
        iin, "<Status><Code>NOT_FOUND</Code></Status>"
    )
    source = lookup_source("entrepreneurs")

    active = source.lookup("850111418247")
    ended = source.lookup("750412390932")

    assert active.trade_name == "ИП «Мейірім»" and not active.has_ended
    assert ended.has_ended and ended.ended_on == datetime.date(2026, 9, 30)
    assert source.lookup("880930324194") is None


def test_real_estate_rights_and_their_absence(soap_gateway):
    answers = {
        "090440023188": "<Rights><Right><CadastralNumber>21:320:105:1182:1/5</CadastralNumber>"
        "<Address>г. Астана</Address><RightType><NameRu>Аренда</NameRu></RightType>"
        "<RegistrationDate>2023-01-10</RegistrationDate><EndDate>2027-12-31</EndDate></Right>"
        "</Rights>",
    }
    soap_gateway.services["RN_RightsByIINBIN"] = lambda bin: answers.get(bin, "<Rights/>")
    source = lookup_source("real_estate")

    rights = source.lookup("090440023188").rights
    none = source.lookup("151140077023")

    assert [(r.kind, r.valid_until) for r in rights] == [("Аренда", datetime.date(2027, 12, 31))]
    assert none is not None and none.rights == ()


def test_psychiatric_registration_is_only_a_yes_or_no(soap_gateway):
    soap_gateway.services["ERDB_PsychRegistryByIIN"] = lambda iin: (
        f"<Result><IIN>{iin}</IIN><IsRegistered>false</IsRegistered></Result>"
    )

    answer = lookup_source("psychiatric").lookup("880930324194")

    assert answer.is_registered is False
    assert answer.data() == {"iin": "880930324194", "is_registered": False}


@pytest.mark.req("SYNC-3")
def test_a_psychiatric_answer_without_the_fact_is_malformed_not_a_clean_record(soap_gateway):
    soap_gateway.services["ERDB_PsychRegistryByIIN"] = lambda iin: (
        f"<Result><IIN>{iin}</IIN></Result>"
    )

    with pytest.raises(MalformedAnswer):
        lookup_source("psychiatric").lookup("880930324194")


def test_tax_and_social_contribution_debts(soap_gateway):
    soap_gateway.services["KGD_DebtsByIINBIN"] = lambda bin: (
        "<Debts><TaxDebt>15 250,50</TaxDebt><SocialContributionDebt>0</SocialContributionDebt>"
        "<AsOf>2026-11-20</AsOf></Debts>"
    )

    debts = lookup_source("tax_debts").lookup("090440023188")

    assert debts.tax_debt == Decimal("15250.50")
    assert debts.has_debts


def test_service_ids_come_from_settings(soap_gateway, settings):
    settings.EGOV_SERVICE_IDS = {"gbd_fl": "GBDFL_Custom_v3"}
    soap_gateway.services["GBDFL_Custom_v3"] = lambda iin: GBD_FL.format(
        iin=iin, result="00000", life="0", death=""
    )

    lookup_source("gbd_fl").lookup("880930324194")

    assert soap_gateway.received[-1]["service_id"] == "GBDFL_Custom_v3"
