"""Reference data for the demo organisation: the company, its places, departments and people's names.

Everything here is invented. Phone numbers use ranges reserved for fiction where a country has
them (UK 020 7946 0xxx, US 555-01xx, Australia 02 5550 xxxx); e-mail domains end in
``.example``, which can never be a real address. Lists are written as comma-separated text so
they stay readable (and the formatter leaves them compact).

Long on purpose: it is reference data, not logic.
"""

from dataclasses import dataclass, field

COMPANY_NAME = "Fernwick Outdoor Co."
COMPANY_SHORT = "Fernwick"
EMAIL_DOMAIN = "fernwick.example"
EMPLOYEE_ID_PREFIX = "FW-"
FOUNDED_YEARS_AGO = 11


def _names(text: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in text.split(","))


def _weights(text: str) -> dict[str, int]:
    """ "london: 3, berlin: 2" -> {"london": 3, "berlin": 2}."""
    pairs = (item.rsplit(":", 1) for item in text.split(","))
    return {name.strip(): int(weight) for name, weight in pairs}


# --- Names ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Culture:
    """First and family names that belong together, and the languages that go with them."""

    female: tuple[str, ...]
    male: tuple[str, ...]
    family: tuple[str, ...]
    neutral: tuple[str, ...] = ()
    # (language, weight): the language a person from this background may list besides English.
    languages: tuple[tuple[str, int], ...] = ()
    # Polish-style family names that take a feminine form (Kowalski -> Kowalska).
    gendered_family: bool = False


CULTURES: dict[str, Culture] = {
    "english": Culture(
        female=_names(
            "Olivia, Amelia, Isla, Emily, Sophie, Grace, Charlotte, Hannah, Lucy, "
            "Ellie, Chloe, Holly, Jessica, Rebecca, Laura, Rachel, Eleanor, Harriet, "
            "Imogen, Niamh, Siobhan, Aoife, Fiona, Kate, Claire, Megan, Abigail, Zoë, "
            "Ruth, Helen, Bethan, Freya, Poppy, Catriona"
        ),
        male=_names(
            "Oliver, George, Harry, Jack, Thomas, James, William, Samuel, Daniel, Joseph, "
            "Callum, Ethan, Lewis, Ryan, Matthew, Owen, Rhys, Dylan, Ciarán, Seán, "
            "Connor, Finn, Hamish, Angus, Benjamin, Alexander, Edward, Patrick, Simon, "
            "Gareth, Rory, Toby"
        ),
        neutral=_names("Alex, Sam, Jordan, Charlie, Robin, Jamie, Morgan, Riley, Ash"),
        family=_names(
            "Smith, Jones, Taylor, Brown, Williams, Wilson, Johnson, Davies, Robinson, "
            "Wright, Thompson, Evans, Walker, White, Roberts, Green, Hall, Wood, "
            "Jackson, Clarke, Hughes, Edwards, Turner, Harris, Cooper, Ward, Morris, "
            "King, Baker, Fletcher, Murphy, O'Brien, Kelly, Byrne, Campbell, Stewart, "
            "MacDonald, Fraser, Reid, Price, Lloyd, Bennett, Hayes, Ellis, Barker, "
            "Marsh, Holloway, Pearce, Sutton, Gallagher, McKenzie, Whitfield, Ashworth, "
            "Doyle"
        ),
    ),
    "american": Culture(
        female=_names(
            "Ashley, Brittany, Madison, Kayla, Jasmine, Aaliyah, Imani, Destiny, "
            "Brianna, Lauren, Kimberly, Nicole, Stephanie, Danielle, Courtney, Shannon, "
            "Tiffany, Erin, Kelsey, Monique, Ebony, Hailey, Savannah, Amber"
        ),
        male=_names(
            "Tyler, Brandon, Justin, Austin, Kevin, Marcus, Jamal, Darnell, DeShawn, "
            "Andre, Malik, Cody, Trevor, Derek, Travis, Brian, Jason, Eric, Isaiah, "
            "Jalen, Terrence, Garrett, Wyatt, Caleb"
        ),
        neutral=_names("Taylor, Casey, Avery, Quinn, Parker, Reese"),
        family=_names(
            "Johnson, Williams, Brown, Jones, Miller, Davis, Wilson, Anderson, Thomas, "
            "Moore, Jackson, Martin, Thompson, White, Harris, Clark, Lewis, Robinson, "
            "Walker, Young, Allen, Wright, Scott, Hill, Green, Adams, Nelson, Carter, "
            "Mitchell, Washington, Jefferson, Coleman, Brooks, Bryant, Bailey, Parker, "
            "Collins, Sullivan, Foster, Cohen, Goldberg, Levy, Friedman, Schwartz, "
            "Novak, Kowalczyk, O'Connor, Fitzgerald, Lindqvist, Becker"
        ),
    ),
    "german": Culture(
        female=_names(
            "Anna, Lena, Hannah, Lea, Marie, Sophie, Laura, Julia, Katharina, Johanna, "
            "Franziska, Clara, Greta, Ida, Mia, Lisa, Sabine, Stefanie, Anja, Birgit, "
            "Jana, Nele, Paula, Frieda, Charlotte"
        ),
        male=_names(
            "Lukas, Jonas, Felix, Leon, Maximilian, Paul, Tobias, Niklas, Moritz, Jan, "
            "Florian, Sebastian, Matthias, Stefan, Andreas, Johannes, Philipp, Tim, Kai, "
            "Jürgen, Dirk, Henrik, Malte, Till, Bastian"
        ),
        family=_names(
            "Müller, Schmidt, Schneider, Fischer, Weber, Meyer, Wagner, Becker, Schulz, "
            "Hoffmann, Schäfer, Koch, Bauer, Richter, Klein, Wolf, Schröder, Neumann, "
            "Schwarz, Zimmermann, Braun, Krüger, Hartmann, Lange, Schmitt, Werner, "
            "Krause, Meier, Lehmann, Köhler, Vogel, Friedrich, Keller, Günther, Berger, "
            "Winkler, Roth, Beck, Brandt, Seidel"
        ),
        languages=(("German", 1),),
    ),
    "lusophone": Culture(
        female=_names(
            "Maria, Ana, Beatriz, Inês, Mariana, Carolina, Leonor, Matilde, Sofia, "
            "Catarina, Joana, Rita, Marta, Gabriela, Juliana, Larissa, Camila, "
            "Fernanda, Letícia, Isabela, Luana, Bruna, Raquel, Teresa, Helena"
        ),
        male=_names(
            "João, Pedro, Tiago, Rafael, Miguel, Diogo, Gonçalo, Rodrigo, Francisco, "
            "Duarte, Lucas, Gabriel, Mateus, Gustavo, Felipe, Bruno, Thiago, Vinícius, "
            "Leonardo, Caio, André, Ricardo, Nuno, Rui, Paulo"
        ),
        family=_names(
            "Silva, Santos, Ferreira, Pereira, Oliveira, Costa, Rodrigues, Martins, "
            "Sousa, Fernandes, Gonçalves, Gomes, Lopes, Marques, Alves, Almeida, "
            "Ribeiro, Pinto, Carvalho, Teixeira, Moreira, Correia, Mendes, Nunes, "
            "Soares, Vieira, Monteiro, Cardoso, Rocha, Barbosa, Araújo, Nascimento, "
            "Lima, Cavalcanti, Azevedo, Freitas, Machado, Batista, Moura, Tavares"
        ),
        languages=(("Portuguese", 1),),
    ),
    "hispanic": Culture(
        female=_names(
            "Sofía, Valentina, Camila, Lucía, Isabella, Daniela, Gabriela, María José, "
            "Ximena, Paula, Carmen, Elena, Marisol, Alejandra, Natalia, Andrea, "
            "Adriana, Rosa, Verónica, Lorena, Guadalupe, Pilar"
        ),
        male=_names(
            "Mateo, Santiago, Sebastián, Diego, Alejandro, Javier, Carlos, Luis, Miguel, "
            "José, Andrés, Pablo, Daniel, Emilio, Rafael, Fernando, Héctor, Jorge, "
            "Ricardo, Tomás, Joaquín, Iván"
        ),
        family=_names(
            "García, Rodríguez, Martínez, Hernández, López, González, Pérez, Sánchez, "
            "Ramírez, Torres, Flores, Rivera, Gómez, Díaz, Reyes, Morales, Cruz, Ortiz, "
            "Gutiérrez, Chávez, Ramos, Vargas, Castillo, Jiménez, Moreno, Romero, "
            "Herrera, Medina, Aguilar, Mendoza, Navarro, Delgado"
        ),
        languages=(("Spanish", 1),),
    ),
    "indian": Culture(
        female=_names(
            "Priya, Ananya, Aishwarya, Divya, Kavya, Meera, Nisha, Pooja, Shruti, "
            "Sneha, Lakshmi, Deepika, Anjali, Riya, Aditi, Swathi, Keerthana, Nandini, "
            "Pallavi, Harini, Sanjana, Shreya, Ishita, Tanvi, Radhika"
        ),
        male=_names(
            "Arjun, Rahul, Vikram, Aditya, Karthik, Rohan, Siddharth, Suresh, Ramesh, "
            "Anil, Pradeep, Venkatesh, Manoj, Nikhil, Abhishek, Harish, Gaurav, Amit, "
            "Sanjay, Vivek, Rajesh, Srinivas, Naveen, Varun, Akash"
        ),
        neutral=_names("Kiran"),
        family=_names(
            "Sharma, Patel, Iyer, Reddy, Nair, Rao, Kumar, Singh, Gupta, Menon, Pillai, "
            "Krishnan, Subramanian, Venkataraman, Agarwal, Joshi, Desai, Mehta, "
            "Chatterjee, Banerjee, Mukherjee, Das, Bhat, Hegde, Shetty, Kulkarni, "
            "Deshpande, Naidu, Gowda, Srinivasan, Raman, Chandrasekhar, Malhotra, "
            "Kapoor, Bose, Ghosh, Mishra, Verma, Saxena, Natarajan"
        ),
        languages=(
            ("Hindi", 8),
            ("Kannada", 5),
            ("Tamil", 5),
            ("Telugu", 4),
            ("Malayalam", 3),
            ("Marathi", 2),
            ("Bengali", 2),
            ("Gujarati", 2),
        ),
    ),
    "pakistani": Culture(
        female=_names(
            "Ayesha, Sana, Zara, Hira, Amna, Nadia, Saima, Farah, Rabia, Mehwish, Iqra, Maryam"
        ),
        male=_names(
            "Imran, Bilal, Usman, Hamza, Faisal, Zain, Adeel, Asif, Kamran, Rizwan, Tariq, Shahid"
        ),
        family=_names(
            "Khan, Hussain, Ahmed, Ali, Qureshi, Malik, Chaudhry, Butt, Raza, Siddiqui, "
            "Rahman, Islam, Uddin, Miah, Sheikh, Iqbal"
        ),
        languages=(("Urdu", 3), ("Punjabi", 2), ("Bengali", 1)),
    ),
    "chinese": Culture(
        female=_names(
            "Wei Ling, Mei Ling, Hui Min, Xin Yi, Jia Hui, Yan Ting, Shu Fen, Pei Shan, "
            "Hui Wen, Jing, Xiaoling, Yu Xuan, Li Na, Jasmine, Rachel, Cheryl, Vivian, "
            "Michelle, Joanne, Audrey"
        ),
        male=_names(
            "Wei Jie, Jun Hao, Zhi Wei, Jia Jun, Kai Wen, Ming, Hao, Yong, Jian, Zhen, "
            "Wen Jie, Darren, Shawn, Bryan, Gavin, Desmond, Kelvin, Terence, Eugene, "
            "Benjamin"
        ),
        family=_names(
            "Tan, Lim, Lee, Ng, Ong, Wong, Goh, Chua, Chan, Koh, Teo, Ang, Yeo, Tay, "
            "Ho, Low, Toh, Sim, Chong, Chia, Lau, Leong, Foo, Zhang, Wang, Li, Liu, "
            "Chen, Yang, Huang, Zhao, Wu, Zhou, Xu"
        ),
        languages=(("Mandarin", 6), ("Cantonese", 2), ("Hokkien", 1)),
    ),
    "malay": Culture(
        female=_names(
            "Nur Aisyah, Nurul, Farah, Aisyah, Nadia, Amira, Syafiqah, Aqilah, Hanis, "
            "Izzati, Dewi, Putri, Sari, Ayu"
        ),
        male=_names(
            "Haziq, Ahmad, Hafiz, Faris, Irfan, Amir, Zulkifli, Syahmi, Danial, Aiman, "
            "Iskandar, Budi, Agus, Hendra"
        ),
        family=_names(
            "Abdullah, Rahman, Ismail, Hassan, Ibrahim, Yusof, Osman, Salleh, Hamid, "
            "Aziz, Kamal, Rahim, Zainal, Hakim, Santoso, Wijaya, Halim, Setiawan, "
            "Pratama, Kusuma"
        ),
        languages=(("Malay", 3), ("Indonesian", 1)),
    ),
    "japanese": Culture(
        female=_names("Yuki, Haruka, Aiko, Sakura, Yui, Emi, Naomi, Misaki, Ayaka, Rina"),
        male=_names("Haruto, Kenji, Takumi, Hiroshi, Daiki, Ren, Sota, Kaito, Yuto, Shun"),
        family=_names(
            "Sato, Suzuki, Takahashi, Tanaka, Watanabe, Ito, Yamamoto, Nakamura, "
            "Kobayashi, Kato, Yoshida, Yamada, Matsumoto, Inoue, Kimura, Hayashi"
        ),
        languages=(("Japanese", 1),),
    ),
    "korean": Culture(
        female=_names("Ji-woo, Seo-yeon, Min-ji, Hye-jin, Soo-ah, Ji-yeon, Eun-ji, Yuna"),
        male=_names("Min-jun, Seo-jun, Ji-ho, Dong-hyun, Jae-won, Hyun-woo, Sung-min, Tae-yang"),
        family=_names("Kim, Lee, Park, Choi, Jung, Kang, Cho, Yoon, Jang, Lim, Han, Shin"),
        languages=(("Korean", 1),),
    ),
    "vietnamese": Culture(
        female=_names("Linh, Thao, Mai, Trang, Lan, Ngoc, Huong, Anh, Vy, Hoa"),
        male=_names("Minh, Duc, Quang, Tuan, Huy, Khoa, Bao, Long, Nam, Phuc"),
        family=_names("Nguyen, Tran, Le, Pham, Hoang, Vu, Dang, Bui, Do, Ho, Ngo, Duong"),
        languages=(("Vietnamese", 1),),
    ),
    "filipino": Culture(
        female=_names("Maricel, Angelica, Kristine, Joy, Mary Grace, Camille, Rhea, Jasmine"),
        male=_names("Paolo, Mark, John Paul, Carlo, Miguel, Rafael, Jerome, Christian"),
        family=_names(
            "Dela Cruz, Bautista, Villanueva, Mercado, Aquino, Santos, Reyes, Garcia, "
            "Mendoza, Castillo, Navarro, Domingo"
        ),
        languages=(("Filipino", 1),),
    ),
    "nigerian": Culture(
        female=_names(
            "Chiamaka, Ngozi, Adaeze, Amara, Folake, Yetunde, Funmilayo, Chidinma, "
            "Ifeoma, Temitope, Kemi, Zainab"
        ),
        male=_names(
            "Chinedu, Emeka, Oluwaseun, Tunde, Obinna, Ikenna, Femi, Babajide, "
            "Chukwuemeka, Kayode, Segun, Ibrahim"
        ),
        family=_names(
            "Okafor, Okeke, Adeyemi, Adebayo, Okonkwo, Eze, Nwosu, Balogun, Ogunleye, "
            "Adeleke, Olawale, Nwachukwu, Bello, Afolabi"
        ),
        languages=(("Yoruba", 2), ("Igbo", 2), ("Hausa", 1)),
    ),
    "ghanaian": Culture(
        female=_names("Ama, Akosua, Abena, Efua, Adwoa, Esi, Akua, Yaa"),
        male=_names("Kwame, Kofi, Kwabena, Yaw, Kwaku, Kojo, Kwesi, Nana"),
        family=_names("Mensah, Asante, Boateng, Owusu, Osei, Agyeman, Appiah, Darko, Addo, Ofori"),
        languages=(("Twi", 1),),
    ),
    "kenyan": Culture(
        female=_names("Wanjiru, Njeri, Achieng, Akinyi, Wambui, Nyambura, Atieno, Chebet"),
        male=_names("Kamau, Otieno, Mwangi, Kiprono, Njoroge, Omondi, Kipchoge, Mutua"),
        family=_names(
            "Kamau, Mwangi, Otieno, Ochieng, Njoroge, Kariuki, Wafula, Kiplagat, Odhiambo, Mutiso"
        ),
        languages=(("Swahili", 1),),
    ),
    "south_african": Culture(
        female=_names("Thandiwe, Nomvula, Zanele, Lindiwe, Naledi, Palesa, Busisiwe, Ayanda"),
        male=_names("Sipho, Thabo, Bongani, Mandla, Lwazi, Tshepo, Kagiso, Sibusiso"),
        family=_names(
            "Ndlovu, Dlamini, Nkosi, Khumalo, Mokoena, Mahlangu, Zulu, Mthembu, Botha, "
            "van der Merwe"
        ),
        languages=(("Zulu", 2), ("Xhosa", 1), ("Afrikaans", 1)),
    ),
    "french": Culture(
        female=_names(
            "Camille, Léa, Manon, Chloé, Inès, Julie, Claire, Élodie, Margaux, Pauline, "
            "Amélie, Céline, Juliette, Océane, Anaïs, Solène"
        ),
        male=_names(
            "Louis, Hugo, Lucas, Théo, Nathan, Antoine, Julien, Mathieu, Nicolas, "
            "Guillaume, Baptiste, Maxime, Clément, Pierre, Jérôme, Rémi"
        ),
        neutral=_names("Dominique, Claude"),
        family=_names(
            "Martin, Bernard, Dubois, Thomas, Robert, Richard, Petit, Durand, Leroy, "
            "Moreau, Simon, Laurent, Lefebvre, Michel, David, Bertrand, Roux, Vincent, "
            "Fournier, Morel, Girard, Bonnet, Dupont, Lambert, Fontaine, Rousseau, "
            "Blanc, Guérin, Faure, Chevalier"
        ),
        languages=(("French", 1),),
    ),
    "italian": Culture(
        female=_names(
            "Giulia, Chiara, Francesca, Sara, Martina, Alessia, Elisa, Federica, "
            "Valentina, Silvia, Giorgia, Beatrice, Ilaria, Serena"
        ),
        male=_names(
            "Marco, Luca, Matteo, Alessandro, Lorenzo, Davide, Simone, Federico, "
            "Riccardo, Giovanni, Stefano, Emanuele, Nicolò, Tommaso"
        ),
        neutral=_names("Andrea"),
        family=_names(
            "Rossi, Russo, Ferrari, Esposito, Bianchi, Romano, Colombo, Ricci, Marino, "
            "Greco, Bruno, Gallo, Conti, De Luca, Mancini, Costa, Giordano, Rizzo, "
            "Lombardi, Moretti, Barbieri, Fontana, Santoro, Mariani"
        ),
        languages=(("Italian", 1),),
    ),
    "polish": Culture(
        female=_names(
            "Zofia, Maja, Aleksandra, Natalia, Katarzyna, Agnieszka, Magdalena, Joanna, "
            "Ewa, Karolina, Marta, Monika, Weronika"
        ),
        male=_names(
            "Jakub, Kacper, Mateusz, Piotr, Tomasz, Krzysztof, Michał, Łukasz, Paweł, "
            "Marcin, Wojciech, Bartosz, Szymon"
        ),
        family=_names(
            "Nowak, Kowalski, Wiśniewski, Wójcik, Kamiński, Lewandowski, Zieliński, "
            "Szymański, Woźniak, Dąbrowski, Kozłowski, Jankowski, Mazur, Kwiatkowski, "
            "Krawczyk, Piotrowski, Grabowski, Pawłowski, Michalski, Zając, Król, "
            "Wieczorek"
        ),
        languages=(("Polish", 1),),
        gendered_family=True,
    ),
    "turkish": Culture(
        female=_names("Elif, Zeynep, Ayşe, Fatma, Merve, Selin, Ece, Defne, Büşra, Derya, Esra"),
        male=_names("Mehmet, Mustafa, Ahmet, Emre, Burak, Can, Murat, Kerem, Onur, Serkan, Yusuf"),
        neutral=_names("Deniz"),
        family=_names(
            # Turkish spelling, with its dotless i.
            "Yılmaz, Kaya, Demir, Şahin, Çelik, Yıldız, Yıldırım, Öztürk, Aydın, "  # noqa: RUF001
            "Özdemir, Arslan, Doğan, Kılıç, Aslan, Çetin, Kara, Koç, Kurt, Özkan, Polat"  # noqa: RUF001
        ),
        languages=(("Turkish", 1),),
    ),
    "arabic": Culture(
        female=_names(
            "Fatima, Layla, Nour, Yasmin, Mariam, Hana, Sara, Amal, Rania, Dina, Salma, Leila"
        ),
        male=_names(
            "Omar, Ahmed, Mohammed, Youssef, Karim, Ali, Hassan, Tariq, Khalid, Samir, "
            "Rami, Ibrahim"
        ),
        family=_names(
            "Haddad, Khalil, Nasser, Mansour, Saleh, Hamdan, Farouk, Aziz, Darwish, "
            "Khoury, Suleiman, Najjar, El-Amin, Sabbagh, Hijazi, Awad"
        ),
        languages=(("Arabic", 1),),
    ),
    "greek": Culture(
        female=_names("Eleni, Sophia, Katerina, Georgia, Despina, Anastasia, Ioanna, Christina"),
        male=_names("Nikos, Giorgos, Dimitris, Kostas, Yannis, Christos, Panagiotis, Stavros"),
        family=_names(
            "Papadopoulos, Georgiou, Nikolaidis, Konstantinou, Christodoulou, Alexiou, "
            "Karagiannis, Vlachos, Antoniou, Pappas"
        ),
        languages=(("Greek", 1),),
    ),
    "dutch": Culture(
        female=_names("Sanne, Femke, Lotte, Anouk, Fleur, Eva, Iris, Noor"),
        male=_names("Bram, Daan, Sem, Thijs, Ruben, Joost, Maarten, Pieter"),
        family=_names(
            "de Vries, van Dijk, Bakker, Visser, Jansen, de Jong, Smit, Mulder, de Boer, Vermeulen"
        ),
        languages=(("Dutch", 1),),
    ),
    "nordic": Culture(
        female=_names("Freja, Ingrid, Astrid, Saga, Elin, Sigrid, Maja, Linnea"),
        male=_names("Lars, Erik, Mads, Oskar, Sven, Anders, Magnus, Henrik"),
        family=_names(
            "Jensen, Nielsen, Hansen, Andersson, Johansson, Larsen, Lindqvist, "
            "Eriksson, Berg, Halvorsen"
        ),
        languages=(("Swedish", 2), ("Danish", 2), ("Norwegian", 1)),
    ),
}


# --- Locations -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LocationSpec:
    name: str
    country: str
    timezone: str
    # A phone-number pattern: each "#" becomes a random digit.
    phone: str
    # Languages most people here list (before their own background's).
    languages: tuple[str, ...]
    # Where people here come from: culture -> weight.
    cultures: dict[str, int]
    stores: tuple[str, ...] = ()
    # A local place for weekend plans in bios.
    outdoors: str = "the hills"
    sign_language: str = ""
    # The broad region community directory rules match on ("Retail in EMEA").
    region: str = ""


LOCATIONS: tuple[LocationSpec, ...] = (
    LocationSpec(
        "London",
        "United Kingdom",
        "Europe/London",
        "+44 20 7946 0###",
        ("English",),
        _weights(
            "english: 44, indian: 7, pakistani: 5, nigerian: 5, ghanaian: 2, polish: 4, french: 4, "
            "italian: 4, arabic: 2, chinese: 3, turkish: 2, lusophone: 2, hispanic: 2, german: 2, "
            "greek: 1, nordic: 1"
        ),
        stores=("Covent Garden", "Shoreditch"),
        outdoors="the South Downs",
        sign_language="British Sign Language",
        region="EMEA",
    ),
    LocationSpec(
        "Berlin",
        "Germany",
        "Europe/Berlin",
        "+49 30 2### ####",
        ("German", "English"),
        _weights(
            "german: 56, turkish: 10, polish: 6, english: 4, french: 3, italian: 3, arabic: 4, "
            "lusophone: 2, hispanic: 3, indian: 3, nordic: 2, dutch: 2, vietnamese: 2"
        ),
        stores=("Mitte",),
        outdoors="the lakes of Brandenburg",
        region="EMEA",
    ),
    LocationSpec(
        "Lisbon",
        "Portugal",
        "Europe/Lisbon",
        "+351 21# ### ###",
        ("Portuguese", "English"),
        _weights(
            "lusophone: 66, hispanic: 6, english: 5, french: 4, italian: 3, german: 3, indian: 3, "
            "nordic: 1, dutch: 1"
        ),
        stores=("Chiado",),
        outdoors="the trails around Sintra",
        region="EMEA",
    ),
    LocationSpec(
        "New York",
        "United States",
        "America/New_York",
        "+1 212 555 01##",
        ("English",),
        _weights(
            "american: 32, english: 6, hispanic: 18, chinese: 6, indian: 7, korean: 3, "
            "filipino: 2, italian: 4, nigerian: 2, arabic: 2, greek: 1, polish: 1"
        ),
        stores=("SoHo", "Williamsburg"),
        outdoors="the Catskills",
        sign_language="American Sign Language",
        region="Americas",
    ),
    LocationSpec(
        "Austin",
        "United States",
        "America/Chicago",
        "+1 512 555 01##",
        ("English",),
        _weights(
            "american: 42, hispanic: 22, indian: 8, english: 4, chinese: 3, vietnamese: 3, "
            "korean: 2, nigerian: 2, german: 2"
        ),
        stores=("South Congress",),
        outdoors="the Barton Creek Greenbelt",
        sign_language="American Sign Language",
        region="Americas",
    ),
    LocationSpec(
        "São Paulo",
        "Brazil",
        "America/Sao_Paulo",
        "+55 11 9####-####",
        ("Portuguese",),
        _weights(
            "lusophone: 76, italian: 6, japanese: 5, hispanic: 4, arabic: 3, german: 2, korean: 1"
        ),
        stores=("Vila Madalena", "Pinheiros"),
        outdoors="the Serra da Mantiqueira",
        region="Americas",
    ),
    LocationSpec(
        "Bangalore",
        "India",
        "Asia/Kolkata",
        "+91 80 4### ####",
        ("English",),
        {"indian": 95, "english": 2, "american": 1, "chinese": 1},
        outdoors="Nandi Hills",
        region="APAC",
    ),
    LocationSpec(
        "Singapore",
        "Singapore",
        "Asia/Singapore",
        "+65 6### ####",
        ("English",),
        _weights(
            "chinese: 55, malay: 14, indian: 12, english: 5, filipino: 4, japanese: 2, korean: 2, "
            "vietnamese: 2"
        ),
        stores=("Orchard Road",),
        outdoors="the MacRitchie trails",
        region="APAC",
    ),
    LocationSpec(
        "Sydney",
        "Australia",
        "Australia/Sydney",
        "+61 2 5550 ####",
        ("English",),
        _weights(
            "english: 46, chinese: 10, indian: 8, vietnamese: 4, italian: 4, greek: 3, "
            "filipino: 3, korean: 2, arabic: 2, south_african: 1, kenyan: 1"
        ),
        stores=("The Rocks", "Bondi"),
        outdoors="the Blue Mountains",
        sign_language="Auslan",
        region="APAC",
    ),
)

# A second or third language people picked up; the common ones are listed more than once.
EXTRA_LANGUAGES = _names(
    "Spanish, Spanish, Spanish, French, French, French, German, German, Italian, Portuguese, "
    "Mandarin, Japanese, Arabic, Dutch, Korean, Swahili, Hindi"
)


# --- Departments ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DepartmentSpec:
    name: str
    # Share of the organisation (relative weight).
    weight: float
    head_title: str
    # Manager titles by how many levels of managers sit below them: team lead, manager of
    # team leads, and above.
    manager_titles: tuple[str, ...]
    # Individual contributors by seniority: early-career, experienced, senior.
    junior: tuple[str, ...]
    mid: tuple[str, ...]
    senior: tuple[str, ...]
    skills: tuple[str, ...]
    # Where the department works: location -> weight. The head sits in ``home``.
    locations: dict[str, int]
    home: str = "London"
    # Team names for team leads' titles ("Engineering Manager, Payments").
    teams: tuple[str, ...] = ()
    # Jobs in a team that differ from the department's usual ones: team -> titles.
    team_titles: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Chance that someone works where their manager does (store teams always share a site).
    same_site: float = 0.85
    # Titles of front-line jobs; some of these people have no company e-mail.
    frontline: frozenset[str] = field(default_factory=frozenset)
    # Phrases for bios: "I work on …".
    focus: tuple[str, ...] = ()
    # What to call the place where they work in a bio ("office", "store", "warehouse").
    site: str = "office"


CEO_TITLE = "Chief Executive Officer"
EXECUTIVE_OFFICE = "Executive Office"
EXECUTIVE_OFFICE_TITLES = _names(
    "Chief of Staff, Executive Assistant, Head of Strategy, Executive Assistant, "
    "Corporate Affairs Manager, Strategy Analyst"
)
EXECUTIVE_OFFICE_FOCUS = _names(
    "the leadership team's priorities, company strategy, board meetings, the CEO's diary and travel"
)

DEPARTMENTS: tuple[DepartmentSpec, ...] = (
    DepartmentSpec(
        name="Engineering",
        weight=16,
        head_title="Chief Technology Officer",
        manager_titles=_names("Engineering Manager, Director of Engineering, VP Engineering"),
        junior=_names(
            "Software Engineer, Junior Software Engineer, QA Engineer, Graduate Software Engineer"
        ),
        mid=_names(
            "Software Engineer, Backend Engineer, Frontend Engineer, Mobile Engineer, "
            "Site Reliability Engineer, Data Engineer, QA Engineer, Machine Learning Engineer"
        ),
        senior=_names(
            "Senior Software Engineer, Senior Backend Engineer, Senior Frontend Engineer, "
            "Staff Engineer, Principal Engineer, Senior Site Reliability Engineer, "
            "Senior Data Engineer"
        ),
        skills=_names(
            "Python, Django, TypeScript, React, Kotlin, Swift, Go, Java, PostgreSQL, Kubernetes, "
            "Terraform, AWS, Google Cloud, CI/CD, Observability, Application security, GraphQL, "
            "REST API design, Machine learning, Data engineering, Accessibility, "
            "Performance tuning, Test automation, Kafka, Redis, Elasticsearch, Android, iOS, "
            "System design, Incident response"
        ),
        locations={"London": 4, "Berlin": 3, "Austin": 3, "Bangalore": 5, "Lisbon": 2},
        teams=_names(
            "Checkout & Payments, Search, Mobile Apps, Platform, Data Platform, Storefront, "
            "Fulfilment Systems, Identity, Developer Experience, Store Systems, Catalogue, "
            "Loyalty, Pricing, Observability, Security"
        ),
        focus=_names(
            "the checkout and payments service, our mobile apps, search and recommendations, "
            "the data platform, site reliability and on-call tooling, "
            "the warehouse management system, the in-store point-of-sale software, "
            "developer tooling and CI, the product catalogue API, sign-in and identity, "
            "the loyalty programme's backend, performance of the online store"
        ),
    ),
    DepartmentSpec(
        name="Product",
        weight=4,
        head_title="Chief Product Officer",
        manager_titles=_names("Group Product Manager, Director of Product, VP Product"),
        junior=_names("Associate Product Manager, Product Analyst"),
        mid=_names(
            "Product Manager, Product Analyst, Technical Product Manager, "
            "Product Operations Specialist"
        ),
        senior=_names("Senior Product Manager, Principal Product Manager, Senior Product Analyst"),
        skills=_names(
            "Product discovery, Roadmapping, User interviews, A/B testing, SQL, "
            "Product analytics, Pricing strategy, Jobs to be done, OKRs, Stakeholder management, "
            "Market research, Amplitude, Data storytelling"
        ),
        locations={"London": 4, "Berlin": 2, "Austin": 2, "Bangalore": 1, "New York": 1},
        teams=_names("Online Store, Membership, Stores & Omnichannel, Mobile, Marketplace, Growth"),
        focus=_names(
            "the online store's checkout, our membership and rewards, click-and-collect, "
            "the mobile app roadmap, product analytics, how customers find the right gear"
        ),
    ),
    DepartmentSpec(
        name="Design",
        weight=3,
        head_title="VP Design",
        manager_titles=_names("Design Manager, Design Director, Head of Design"),
        junior=_names("Junior Product Designer, UX Researcher"),
        mid=_names(
            "Product Designer, UX Researcher, Content Designer, Visual Designer, Brand Designer"
        ),
        senior=_names(
            "Senior Product Designer, Lead Product Designer, Senior UX Researcher, "
            "Principal Designer"
        ),
        skills=_names(
            "Figma, Interaction design, Design systems, Usability testing, User research, "
            "Prototyping, Accessibility, Illustration, Typography, Content design, "
            "Service design, Motion design, Workshop facilitation"
        ),
        locations={"Berlin": 3, "London": 3, "Lisbon": 1, "New York": 1},
        home="Berlin",
        teams=_names("Design System, Research, Brand & Content, Product Design"),
        focus=_names(
            "our design system, research with customers in our stores, the app's navigation, "
            "product pages and photography guidelines, accessible forms, in-store signage"
        ),
    ),
    DepartmentSpec(
        name="Sales",
        weight=9,
        head_title="Chief Revenue Officer",
        manager_titles=_names("Sales Manager, Regional Sales Director, VP Sales"),
        junior=_names("Sales Development Representative, Sales Coordinator"),
        mid=_names(
            "Account Executive, Account Manager, Key Account Manager, Sales Operations Analyst, "
            "Partnerships Manager"
        ),
        senior=_names(
            "Senior Account Executive, Senior Key Account Manager, Enterprise Account Director, "
            "Sales Engineer"
        ),
        skills=_names(
            "Negotiation, Salesforce, Account management, Forecasting, Wholesale, Prospecting, "
            "Contract negotiation, Pipeline management, Retail buying, Partnerships, "
            "Presentation skills, Category management"
        ),
        locations=_weights(
            "New York: 4, London: 3, Singapore: 3, Berlin: 2, São Paulo: 2, Sydney: 1, Austin: 1"
        ),
        home="New York",
        teams=_names(
            "Wholesale EMEA, Wholesale Americas, Wholesale APAC, Corporate & Team Sales, "
            "Partnerships, Sales Operations"
        ),
        focus=_names(
            "our wholesale partners in Europe, corporate and team orders, "
            "partnerships with outdoor clubs, sales forecasting, key accounts in Asia-Pacific, "
            "independent retailers across the Americas"
        ),
    ),
    DepartmentSpec(
        name="Customer Support",
        weight=11,
        head_title="VP Customer Support",
        manager_titles=_names("Support Team Lead, Support Manager, Director of Customer Support"),
        junior=_names("Customer Support Advisor, Customer Support Agent"),
        mid=_names(
            "Customer Support Specialist, Returns Specialist, Product Support Specialist, "
            "Support Quality Analyst, Knowledge Base Editor"
        ),
        senior=_names(
            "Senior Customer Support Specialist, Escalations Specialist, "
            "Support Operations Analyst, Workforce Planning Analyst"
        ),
        skills=_names(
            "Zendesk, Live chat, De-escalation, Returns and refunds, Product knowledge, "
            "Knowledge base writing, Quality assurance, Workforce planning, Customer empathy, "
            "Phone support, Warranty claims"
        ),
        locations=_weights(
            "Lisbon: 5, Bangalore: 4, Austin: 2, Singapore: 2, Sydney: 1, São Paulo: 1"
        ),
        home="Lisbon",
        teams=_names(
            "Orders & Delivery, Returns & Repairs, Product Advice, Escalations, Social & Chat, "
            "Warranty"
        ),
        focus=_names(
            "orders and delivery questions, returns and repairs, product advice by chat, "
            "our help centre articles, warranty claims, escalated cases"
        ),
        site="support hub",
    ),
    DepartmentSpec(
        name="Marketing",
        weight=5,
        head_title="Chief Marketing Officer",
        manager_titles=_names("Marketing Manager, Marketing Director, VP Marketing"),
        junior=_names("Marketing Coordinator, Social Media Coordinator, Marketing Assistant"),
        mid=_names(
            "Content Marketing Manager, CRM Specialist, Brand Manager, "
            "Performance Marketing Specialist, Copywriter, PR Manager, Events Manager, "
            "Social Media Manager"
        ),
        senior=_names(
            "Senior Brand Manager, Senior Copywriter, Head of Content, Senior CRM Manager, "
            "Lead Photographer"
        ),
        skills=_names(
            "Copywriting, Brand strategy, SEO, Email marketing, Social media, Photography, "
            "Video production, Campaign planning, Public relations, Event management, "
            "Google Analytics, Content strategy, Influencer marketing, Internal communications"
        ),
        locations={"London": 4, "New York": 2, "Berlin": 1, "São Paulo": 1, "Sydney": 1},
        teams=_names("Brand, Content, CRM, Performance, PR & Events, Social"),
        focus=_names(
            "our seasonal campaigns, the newsletter, product photography, "
            "community events in our stores, press and partnerships, our social channels"
        ),
    ),
    DepartmentSpec(
        name="Finance",
        weight=3,
        head_title="Chief Financial Officer",
        manager_titles=_names("Finance Manager, Financial Controller, Finance Director"),
        junior=_names("Accounts Payable Clerk, Finance Assistant, Payroll Administrator"),
        mid=_names(
            "Financial Analyst, Management Accountant, Payroll Specialist, Tax Accountant, "
            "Treasury Analyst"
        ),
        senior=_names("Senior Financial Analyst, Senior Accountant, FP&A Lead, Group Tax Manager"),
        skills=_names(
            "Financial modelling, Excel, IFRS, US GAAP, Budgeting, Forecasting, Payroll, Tax, "
            "Treasury, NetSuite, Audit, Procurement"
        ),
        locations={"London": 4, "Lisbon": 2, "Bangalore": 2, "New York": 1},
        teams=_names("FP&A, Accounting, Payroll, Tax & Treasury, Procurement"),
        focus=_names(
            "month-end close, budgets and forecasts, payroll in five countries, "
            "supplier payments, tax and treasury"
        ),
    ),
    DepartmentSpec(
        name="People",
        weight=3,
        head_title="Chief People Officer",
        manager_titles=_names("People Partner Lead, HR Director, VP People"),
        junior=_names("HR Coordinator, Recruiting Coordinator, People Operations Assistant"),
        mid=_names(
            "HR Business Partner, Recruiter, Learning & Development Specialist, "
            "People Operations Specialist, Reward Analyst"
        ),
        senior=_names(
            "Senior HR Business Partner, Senior Recruiter, Talent Acquisition Lead, "
            "Head of Learning"
        ),
        skills=_names(
            "Recruiting, Employment law, Coaching, Learning design, Compensation, "
            "Employee relations, Onboarding, Workday, Diversity and inclusion, Wellbeing, "
            "Organisational design"
        ),
        locations={"London": 3, "Lisbon": 1, "Austin": 1, "Bangalore": 1, "Singapore": 1},
        teams=_names(
            "Talent Acquisition, People Operations, Learning & Development, Reward, "
            "Employee Experience"
        ),
        focus=_names(
            "hiring for our stores, onboarding, learning programmes, pay and benefits, "
            "wellbeing at work"
        ),
    ),
    DepartmentSpec(
        name="Operations",
        weight=9,
        head_title="Chief Operating Officer",
        manager_titles=_names(
            "Operations Team Lead, Warehouse Manager, Head of Logistics, VP Supply Chain"
        ),
        junior=_names("Warehouse Associate, Picker Packer, Delivery Driver"),
        mid=_names(
            "Warehouse Associate, Forklift Operator, Inventory Controller, Logistics Coordinator"
        ),
        senior=_names(
            "Senior Warehouse Associate, Quality Assurance Manager, Health and Safety Officer"
        ),
        skills=_names(
            "Inventory management, Forklift licence, Health and safety, Lean, Demand planning, "
            "Supplier management, SAP, Logistics, Quality control, Sustainability reporting, "
            "Customs and trade"
        ),
        locations=_weights(
            "Austin: 4, Berlin: 3, London: 2, Sydney: 2, São Paulo: 1, Singapore: 1"
        ),
        home="Austin",
        teams=_names(
            "Inbound, Outbound, Returns Centre, Night Shift, Buying, Planning & Sustainability"
        ),
        team_titles={
            "Buying": _names("Assistant Buyer, Buyer, Buyer, Senior Buyer, Merchandise Planner"),
            "Planning & Sustainability": _names(
                "Demand Planner, Supply Chain Analyst, Senior Demand Planner, "
                "Sustainability Manager, Inventory Analyst"
            ),
        },
        same_site=0.95,
        frontline=frozenset(
            _names(
                "Warehouse Associate, Picker Packer, Delivery Driver, Forklift Operator, "
                "Senior Warehouse Associate"
            )
        ),
        focus=_names(
            "getting orders out of the door on time, inbound deliveries from our suppliers, "
            "returns and refurbishment, the night shift, stock accuracy, "
            "packaging without plastic"
        ),
        site="distribution centre",
    ),
    DepartmentSpec(
        name="Retail Stores",
        weight=31,
        head_title="VP Retail",
        manager_titles=_names("Shift Lead, Store Manager, Area Manager, Regional Retail Director"),
        junior=_names("Sales Associate, Stock Associate, Cashier, Seasonal Sales Associate"),
        mid=_names(
            "Sales Associate, Gear Specialist, Bike Technician, Repair Technician, "
            "Visual Merchandiser, Footwear Specialist"
        ),
        senior=_names(
            "Senior Sales Associate, Senior Bike Technician, Lead Visual Merchandiser, "
            "Community Events Coordinator"
        ),
        skills=_names(
            "Customer service, Bike maintenance, Boot fitting, Tent repair, "
            "Visual merchandising, Stock management, Point of sale, Climbing gear, "
            "Trail running, Camping, First aid, Cash handling, Kids' gear"
        ),
        locations=_weights(
            "London: 3, New York: 3, Berlin: 2, São Paulo: 2, Sydney: 2, Singapore: 2, "
            "Austin: 1, Lisbon: 1"
        ),
        same_site=1.0,
        frontline=frozenset(
            _names(
                "Sales Associate, Stock Associate, Cashier, Seasonal Sales Associate, "
                "Gear Specialist, Bike Technician, Repair Technician, Footwear Specialist, "
                "Senior Sales Associate, Senior Bike Technician"
            )
        ),
        focus=_names(
            "helping people find the right boots, the bike workshop, our repair bench, "
            "the tent and camping floor, stock and deliveries, store events and group hikes"
        ),
        site="store",
    ),
    DepartmentSpec(
        name="IT",
        weight=3,
        head_title="Head of IT",
        manager_titles=_names("IT Service Manager, IT Director, VP Technology"),
        junior=_names("IT Support Technician, Service Desk Analyst"),
        mid=_names(
            "Systems Administrator, Network Engineer, IT Support Engineer, "
            "Identity & Access Analyst, Endpoint Engineer"
        ),
        senior=_names(
            "Senior Systems Administrator, Security Engineer, IT Architect, Senior Network Engineer"
        ),
        skills=_names(
            "Microsoft 365, Okta, SSO and SAML, Networking, Endpoint management, ITIL, Linux, "
            "Windows Server, Information security, Backups, Store Wi-Fi, Scripting"
        ),
        locations={"London": 2, "Bangalore": 3, "Lisbon": 1, "Austin": 1},
        teams=_names("Service Desk, Infrastructure, Identity & Access, Store Technology"),
        focus=_names(
            "laptops and the service desk, single sign-on, store Wi-Fi and tills, our networks, "
            "backups and security"
        ),
    ),
)

# Skills anyone may have, whatever their job.
CROSS_CUTTING_SKILLS = _names(
    "Public speaking, Mentoring, Project management, Data visualisation, Excel, Facilitation, "
    "First aid, Agile, Change management, Writing, Storytelling, Design thinking, Photography, "
    "Sustainability"
)
MANAGER_SKILLS = _names("Coaching, Hiring, People management, Feedback, Budgeting")


# --- Bios ----------------------------------------------------------------------------------------

BIO_ROLE = (
    "I work on {focus} in the {department} team in {city}.",
    "Based in {city}, I spend most of my days on {focus}.",
    "I look after {focus} from our {city} {site}.",
    "My job is {focus}, mostly from {city}.",
    "Day to day I'm on {focus}, in {department}.",
)
BIO_TEAM = (
    "I'm in the {team} team, based in {city}.",
    "Part of the {team} team in {department}, working from {city}.",
    "I work in {team}, mostly on {focus}.",
)
BIO_LEAD = (
    "I lead a team of {reports} in {department}, looking after {focus}.",
    "I look after {focus} with a brilliant team of {reports}.",
    "Managing a team of {reports} working on {focus}.",
)
BIO_HEAD = (
    "I lead {department} across {sites}.",
    "I run {department}: {size} people in {sites}.",
)
BIO_HISTORY = (
    "I joined {company} in {year} {origin}.",
    "Before {company} I {previous}.",
    "{years} years here and I still learn something every week.",
    "I started here in {year}, {origin}.",
)
BIO_NEW = (
    "New-ish here: I started in {month} {year}.",
    "I joined in {month} {year} and I'm still learning where everything is.",
)
ORIGINS = _names(
    "after six years in outdoor retail, straight from university, "
    "from a small climbing-gear start-up, after a career break, from a logistics company, "
    "after working in hospitality, as a seasonal associate and never left, "
    "after a long stint in consulting, from a big-box retailer, after travelling for a year"
)
PREVIOUS_JOBS = _names(
    "worked in consulting, ran a bike repair shop, taught secondary-school maths, "
    "was a mountain guide, worked for a large bank, studied marine biology, managed a hotel, "
    "built apps for a fintech start-up, worked in a busy call centre, "
    "played bass in a touring band, worked for a national park, was a journalist"
)
BIO_PERSONAL = (
    "Outside work you'll find me {hobby}.",
    "Weekends are for {hobby}.",
    "Ask me about {skill}.",
    "Happy to talk about {skill} any time.",
    "Currently {learning}.",
    "Usually {hobby}, or planning the next trip to {outdoors}.",
)
HOBBIES = _names(
    "on a gravel bike somewhere muddy, at the bouldering wall, hiking in {outdoors}, "
    "baking bread, coaching my kid's football team, trail running, wild swimming, "
    "birdwatching with a flask of tea, tending an allotment, playing the cello badly, kayaking, "
    "camping with far too much gear, photographing street art, volunteering at a food bank"
)
LEARNING = _names(
    "learning Japanese, training for my first marathon, "
    "trying to keep a sourdough starter alive, learning to surf, "
    "converting a van into a camper, working through a pile of science fiction, "
    "learning to sail, teaching myself woodwork"
)

PRONOUNS = {"female": "she/her", "male": "he/him", "neutral": "they/them"}


# --- Well-known demo accounts --------------------------------------------------------------------

DEMO_PASSWORD = "watercooler-demo"  # noqa: S105 (published on purpose: it signs in to the demo)


@dataclass(frozen=True)
class FixedAccount:
    """A person with a username to remember, placed in the organisation like anyone else."""

    key: str
    username: str
    first_name: str
    last_name: str
    role: str
    # How the sign-in help describes them.
    description: str
    pronouns: str = ""
    # Replaces the generated title when they are an individual contributor.
    title: str = ""
    email: str = ""
    # Where their name comes from (for the languages they speak).
    culture: str = "english"
    bio: str = ""
    skills: tuple[str, ...] = ()


FIXED_ACCOUNTS: tuple[FixedAccount, ...] = (
    FixedAccount(
        key="admin",
        username="admin",
        first_name="Ada",
        last_name="Okafor",
        role="admin",
        description="administrator (also the Django admin at /admin/)",
        pronouns="she/her",
        title="IT Systems Administrator",
        culture="nigerian",
        skills=("Okta", "SSO and SAML", "Microsoft 365"),
    ),
    FixedAccount(
        key="comms",
        username="comms",
        first_name="Camille",
        last_name="Laurent",
        role="comms",
        description="internal communications",
        pronouns="she/her",
        title="Internal Communications Manager",
        culture="french",
        bio=(
            "I look after internal communications: all-hands, announcements, and making sure news "
            "reaches every store and warehouse, not just the offices. Tell me what your team is "
            "proud of and I'll help you share it."
        ),
        skills=("Internal communications", "Copywriting", "Campaign planning", "Public speaking"),
    ),
    FixedAccount(
        key="member",
        username="member",
        first_name="Sam",
        last_name="Patel",
        role="member",
        description="a regular member",
        culture="indian",
    ),
    FixedAccount(
        key="guest",
        username="guest",
        first_name="Jordan",
        last_name="Blake",
        role="guest",
        description="an external guest",
        pronouns="they/them",
        title="Freelance Photographer (Fieldnote Studio)",
        email="jordan@fieldnote.example",
        bio=(
            "Freelance photographer at Fieldnote Studio, shooting our seasonal campaigns with the "
            "brand team."
        ),
        skills=("Photography", "Video production"),
    ),
)
